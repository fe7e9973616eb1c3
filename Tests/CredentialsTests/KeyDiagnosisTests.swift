import Testing
@testable import Credentials

@Suite struct KeyDiagnosisTests {
    let good = Keys.make("a")
    let env = KeySource.environment("ANTHROPIC_API_KEY")

    private func codes(_ raw: String, bearer: Bool = false) -> [KeyProblem.Code] {
        KeyDiagnosis.inspect(raw, source: env, bearer: bearer).problems.map(\.code)
    }

    @Test func aWellFormedKeyHasNoProblems() {
        let inspection = KeyDiagnosis.inspect(good, source: env)
        #expect(inspection.key == good)
        #expect(inspection.problems.isEmpty)
        #expect(inspection.scheme == .apiKey)
        #expect(good.count == KeyDiagnosis.expectedAPIKeyLength)
    }

    @Test func emptyAndWhitespaceOnly() {
        #expect(codes("") == [.empty])
        #expect(codes(" \n\t") == [.empty])
        #expect(KeyDiagnosis.inspect("", source: env).fatal?.message.contains("ANTHROPIC_API_KEY") == true)
    }

    @Test func surroundingWhitespaceIsTrimmedWithANotice() {
        for raw in [" \(good)", "\(good)\n", "\t\(good)\r\n", "\u{00A0}\(good)", "\(good)\u{200B}", "\u{FEFF}\(good)"] {
            let inspection = KeyDiagnosis.inspect(raw, source: env)
            #expect(inspection.key == good, "\(raw.debugDescription)")
            #expect(inspection.problems.map(\.code) == [.surroundingWhitespace])
            #expect(inspection.problems.first?.severity == .fixed)
            #expect(inspection.problems.first?.message.contains("ANTHROPIC_API_KEY") == true)
        }
    }

    @Test func whitespaceInside() {
        let broken = String(good.prefix(50)) + " " + String(good.dropFirst(50))
        #expect(codes(broken) == [.innerWhitespace])
        #expect(KeyDiagnosis.inspect(broken, source: env).fatal?.message.contains("character 51") == true)
        #expect(codes(String(good.prefix(50)) + "\n" + String(good.dropFirst(50))) == [.innerWhitespace])
    }

    @Test func quotes() {
        for raw in ["\"\(good)\"", "'\(good)'", "\u{201C}\(good)\u{201D}", "`\(good)`", "\"\(good)"] {
            #expect(codes(raw) == [.surroundingQuotes], "\(raw.prefix(3))")
        }
    }

    @Test func prefixes() {
        #expect(codes("Bearer \(good)") == [.bearerPrefix])
        #expect(codes("bearer \(good)") == [.bearerPrefix])
        #expect(codes("ANTHROPIC_API_KEY=\(good)") == [.variablePrefix])
        #expect(codes("export ANTHROPIC_API_KEY=\(good)") == [.variablePrefix])
        let message = KeyDiagnosis.inspect("ANTHROPIC_API_KEY=\(good)", source: env).fatal?.message ?? ""
        #expect(!message.contains(good))
    }

    @Test(arguments: [("\u{200B}", "zero-width space"), ("\u{00A0}", "non-breaking space"), ("\u{2011}", "non-breaking hyphen"),
                      ("\u{2013}", "en dash"), ("\u{201C}", "smart quote"), ("é", "latin small letter e with acute")])
    func nonASCIILookAlikesAreNamed(_ character: String, _ name: String) {
        let raw = "sk-ant-api03" + character + String(repeating: "x", count: 93) + "AA"
        let inspection = KeyDiagnosis.inspect(raw, source: env)
        #expect(inspection.key == nil)
        let message = inspection.fatal?.message ?? ""
        #expect(message.contains(name), "\(message)")
        #expect(message.contains("character 13") || inspection.fatal?.code == .innerWhitespace)
    }

    @Test func wrongKindsOfKey() {
        #expect(codes("sk-proj-" + String(repeating: "p", count: 100)) == [.openAIKey])
        #expect(codes("sk-" + String(repeating: "o", count: 48)) == [.openAIKey])
        #expect(codes("sk-ant-admin01-" + String(repeating: "d", count: 90)) == [.adminKey])
        let oauth = KeyDiagnosis.inspect("sk-ant-oat01-" + String(repeating: "t", count: 90), source: env)
        #expect(oauth.isUsable)
        #expect(oauth.scheme == .bearer)
        #expect(oauth.problems.map(\.code) == [.oauthToken])
    }

    @Test func unusualLengthOnlyWarns() {
        let short = KeyDiagnosis.inspect("sk-ant-api03-abcdef", source: env)
        #expect(short.isUsable)
        #expect(short.problems.map(\.code) == [.unusualLength])
        #expect(short.problems.first?.severity == .warning)
        let foreign = KeyDiagnosis.inspect("gateway-token-123456", source: env)
        #expect(foreign.isUsable)
        #expect(foreign.problems.first?.severity == .warning)
        #expect(KeyDiagnosis.inspect("gateway-token-123456", source: .environment("ANTHROPIC_AUTH_TOKEN"), bearer: true).problems.isEmpty)
    }

    @Test func messagesNeverContainTheKey() {
        let cases = [" \(good)", "\"\(good)\"", "Bearer \(good)", "ANTHROPIC_API_KEY=\(good)", good + " x", good + "é", "sk-ant-api03-short"]
        for raw in cases {
            for problem in KeyDiagnosis.inspect(raw, source: env).problems {
                #expect(!problem.description.contains(good))
            }
        }
    }
}
