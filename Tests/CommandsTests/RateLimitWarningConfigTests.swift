import ChatCore
import Foundation
import Testing

@testable import Commands

/// `rate_limit_warning`: the headroom percentage at which the chat warns (0 turns it off).
@Suite struct RateLimitWarningConfigTests {
    @Test(arguments: [0, 1, 10, 99])
    func aWholePercentageFrom0To99IsRead(_ percent: Int) throws {
        let config = try Config.parse("rate_limit_warning = \(percent)\n", path: "c.toml")
        #expect(config.rateLimitWarning == percent)
        #expect(config.unknownKeys.isEmpty)
    }

    @Test func absentIsNil() throws {
        #expect(try Config.parse("model = \"m\"\n", path: "c.toml").rateLimitWarning == nil)
    }

    @Test(arguments: ["-1", "100", "250", "7.5", "\"10\"", "true", "10%"])
    func otherValuesAreAConfigErrorNamingTheSetting(_ value: String) {
        do {
            _ = try Config.parse("rate_limit_warning = \(value)\n", path: "/tmp/c.toml")
            Issue.record("accepted \(value)")
        } catch {
            #expect(error.path == "/tmp/c.toml")
            if !value.hasSuffix("%") {
                #expect(error.message == "rate_limit_warning must be a whole number from 0 to 99", "\(error)")
            }
        }
    }
}
