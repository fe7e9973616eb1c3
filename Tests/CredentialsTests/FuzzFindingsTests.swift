import Foundation
import Testing

@testable import Credentials

/// What the 1,000,000-case fuzz runs of the key dialog's repair and the credentials file found
/// (the inputs are kept under Tests/Fuzz/Crashes and replayed by FuzzTests too).
@Suite struct FuzzFindingsTests {
    let good = Keys.make("f")

    @Test func quotesAfterExportAreSeenAndRepaired() {
        let half = KeyDiagnosis.inspect("export \"\(good)", source: .session)
        #expect(half.key == nil && half.fatal?.code == .surroundingQuotes)
        for pasted in ["export \"\(good)\"", "export \"\(good)", "export '\(good)'"] {
            let repair = KeyRepair(pasted)
            #expect(repair.repaired == good, "\(pasted)")
            #expect(repair.removes == "the quotes and \"export \"", "\(pasted): \(String(describing: repair.removes))")
        }
    }

    @Test func aCombiningMarkBeforeAQuoteSurvivesASave() throws {
        for text in [
            "api_key = \u{301}\"k2\"\n", "[profiles.spare]\napi_key = \u{301}\"k2\"\n", "api_key = \u{301}\"a\"b\"\n",
        ] {
            guard case .success(let saved) = CredentialsFile.parse(Data(text.utf8)) else {
                Issue.record("not read: \(text.debugDescription)")
                continue
            }
            guard case .success(let again) = CredentialsFile.parse(Data(saved.serialized().utf8)) else {
                Issue.record("the save does not read back: \(text.debugDescription)")
                continue
            }
            #expect(again.key == saved.key && again.profiles == saved.profiles, "\(text.debugDescription)")
        }
    }
}
