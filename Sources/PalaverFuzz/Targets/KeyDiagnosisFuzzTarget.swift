import Credentials
import Foundation

/// Key diagnosis: whatever a key source holds, the inspection never traps, a usable key is
/// one clean token, and no message echoes the token or a control character. The key dialog's
/// repair (every problem at once, the one-key fix) too: each problem is listed once, and a fix
/// it offers leaves a key the inspection takes without a fatal problem.
struct KeyDiagnosisFuzzTarget: FuzzTarget {
    static let name = "keydiagnosis"
    static let summary =
        "key diagnosis (Credentials KeyDiagnosis.inspect, KeyRepair): usable keys are clean, fixes work, messages echo no token"

    var seeds: [[UInt8]] {
        let key = "sk-ant-api03-" + String(repeating: "AbCd1234_-", count: 9) + "xyzAA"
        return [
            key, " \(key)\n", "\"\(key)\"", "Bearer \(key)", "export ANTHROPIC_API_KEY=\(key)",
            "ANTHROPIC_API_KEY=\(key)",
            "sk-ant-oat01-token", "sk-ant-admin01-abc", "sk-proj-" + String(repeating: "x", count: 40),
            "sk-ant-api03-short",
            "sk-ant-api03-ab\u{200B}cd", "gateway-token-1234567890", "export sk-ant-api03-abcdefghijklmnop=x", "",
        ].map(utf8)
    }

    var dictionary: [[UInt8]] {
        [
            "sk-ant-", "sk-ant-api03-", "sk-ant-oat01-", "export ", "Bearer ", "=", "\"", "'", "\u{201C}", "\u{200B}",
            "\u{FEFF}",
            "\u{00A0}", " ", "\t", "\n", "ANTHROPIC_API_KEY", "sk-proj-",
        ].map(utf8)
    }

    func check(_ input: [UInt8], random: inout FuzzRandom) throws(FuzzFailure) {
        let raw = String(decoding: input, as: UTF8.self)
        // A variable name the mutator never writes, so a message naming the source never matches the token by chance.
        let sources: [KeySource] = [
            .session, .environment("PALAVER_FUZZ_VARIABLE"), .helper, .credentialsFile("default"),
        ]
        let source = sources[random.below(sources.count)]
        let inspection = KeyDiagnosis.inspect(raw, source: source, bearer: random.oneIn(4))
        if let key = inspection.key {
            try require(!key.isEmpty, "a usable key is empty")
            try require(
                !key.unicodeScalars.contains {
                    $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F || !$0.isASCII
                },
                "a usable key holds whitespace, a control or a non-ASCII character")
        } else {
            try require(inspection.fatal != nil, "no key and no fatal problem")
        }
        let repair = KeyRepair(raw, source: source)
        try require(
            Set(repair.problems.map(\.code)).count == repair.problems.count, "the repair lists a problem twice")
        if let fixed = repair.repaired {
            let again = KeyDiagnosis.inspect(fixed, source: source)
            try require(again.isUsable && again.fatal == nil, "the repair offers a fix that is not a usable key")
            try require(repair.removes?.isEmpty == false, "the repair offers a fix without saying what it removes")
        }
        let token = raw.unicodeScalars.filter { !$0.properties.isWhitespace }
        for problem in inspection.problems + repair.problems {
            let text = problem.message + " " + problem.fix
            try require(
                !text.unicodeScalars.contains { $0.value == 0x1B || ($0.value >= 0x80 && $0.value <= 0x9F) },
                "a diagnosis message holds an escape or C1 control: \(problem.code)")
            if token.count >= 12 {
                try require(
                    !text.contains(String(String.UnicodeScalarView(token))),
                    "a diagnosis message echoes the whole token (\(problem.code))")
            }
            if let eq = raw.firstIndex(of: "="), raw[raw.index(after: eq)...].count >= 12 {
                let value = String(raw[raw.index(after: eq)...]).trimmingCharacters(in: .whitespacesAndNewlines)
                if value.count >= 12 {
                    try require(!text.contains(value), "a diagnosis message echoes the value after = (\(problem.code))")
                }
            }
        }
    }
}
