import AnthropicAPI
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

    @Test(arguments: [
        ("\u{200B}", "zero-width space"), ("\u{00A0}", "non-breaking space"), ("\u{2011}", "non-breaking hyphen"),
        ("\u{2013}", "en dash"), ("\u{201C}", "smart quote"), ("é", "latin small letter e with acute"),
    ])
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
        #expect(
            KeyDiagnosis.inspect("gateway-token-123456", source: .environment("ANTHROPIC_AUTH_TOKEN"), bearer: true)
                .problems.isEmpty)
    }

    @Test func messagesNeverContainTheKey() {
        let cases = [
            " \(good)", "\"\(good)\"", "Bearer \(good)", "ANTHROPIC_API_KEY=\(good)", good + " x", good + "é",
            "sk-ant-api03-short",
        ]
        for raw in cases {
            for problem in KeyDiagnosis.inspect(raw, source: env).problems {
                #expect(!problem.description.contains(good))
            }
        }
    }

    /// Every shape a diagnosis names, from every source: no message or fix repeats 12 or more
    /// characters of the secret it looks at (a `NAME=value` gateway token is secret whole).
    @Test func noMessageEchoesAnyPieceOfTheToken() {
        let key = Keys.random()
        let other = Keys.random()
        let gateway = "GWTOKEN7Q2X9K4M8P3R6Z1=" + "v8Hq2Lr5Tx9Wc3Nb7Kd1Fg6J"
        let base32 = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP===="
        let inner = String(key.prefix(50)) + " " + String(key.dropFirst(50))
        let cases: [(raw: String, secret: String)] = [
            (key, key), (" \(key)\n", key), ("\"\(key)\"", key), ("'\(key)", key), ("\(key)\u{201D}", key),
            ("`\(key)`", key), ("Bearer \(key)", key), ("bearer\t\(key)", key),
            ("ANTHROPIC_API_KEY=\(key)", key), ("export ANTHROPIC_API_KEY=\(key)", key), ("export \(key)=x", key),
            ("export \(key)=\(other)", key), ("export \(key)=\(other)", other),
            ("MY_VAULT_\(key.dropFirst(13).prefix(20).uppercased())=x", key.uppercased()),
            (gateway, gateway), ("export \(gateway)", gateway), (base32, base32),
            (inner, key), (key + "\u{00E9}", key),
            (String(key.prefix(40)) + "\u{200B}" + String(key.dropFirst(40)), key),
            ("sk-proj-" + key.dropFirst(13), key), ("sk-ant-admin01-" + key.dropFirst(13), key),
            ("sk-ant-oat01-" + key.dropFirst(13), key),
            (String(key.prefix(60)), key), ("gw-" + key.dropFirst(13), key),
        ]
        let sources: [KeySource] = [
            env, .environment("ANTHROPIC_AUTH_TOKEN"), .helper, .credentialsFile("/tmp/x/credentials.toml"), .session,
        ]
        for (raw, secret) in cases {
            for source in sources {
                for bearer in [false, true] {
                    let inspection = KeyDiagnosis.inspect(raw, source: source, bearer: bearer)
                    for problem in inspection.problems {
                        let leaked = Keys.twelveCharacterPieces(of: secret, in: problem.message + " " + problem.fix)
                        #expect(leaked.isEmpty, "\(problem.code) from \(source) repeats \(leaked.count) pieces")
                    }
                }
            }
        }
    }

    @Test func variablePrefixesNameOnlyKnownVariables() {
        let named = KeyDiagnosis.inspect("export ANTHROPIC_API_KEY=\(good)", source: env).fatal
        #expect(named?.message.contains("export ANTHROPIC_API_KEY=…") == true)
        let unknown = KeyDiagnosis.inspect("export \(good)=x", source: env).fatal
        #expect(unknown?.code == .variablePrefix)
        #expect(unknown?.message.contains("export NAME=…") == true)
        let token = KeyDiagnosis.inspect(
            "GWTOKEN7Q2X9K4M8P3R6Z1=v8Hq2Lr5", source: .environment("ANTHROPIC_AUTH_TOKEN"), bearer: true
        ).fatal
        #expect(token?.code == .variablePrefix)
        #expect(token?.message.contains("a variable name") == true)
        // Base32 padding is not a variable assignment.
        #expect(
            KeyDiagnosis.inspect("JBSWY3DPEHPK3PXP====", source: .environment("ANTHROPIC_AUTH_TOKEN"), bearer: true)
                .isUsable)
    }

    @Test func quotesAreNamedWithoutTheKeysCharacters() {
        let message = KeyDiagnosis.inspect("\"\(good.dropLast(2))q7", source: env).fatal?.message ?? ""
        #expect(message.contains("\" at the start"))
        #expect(!message.contains("q7"))
    }

    /// Positions count from the start of the value as read, through trimmed whitespace and `export `.
    @Test func positionsCountFromTheValueAsRead() {
        let broken = String(good.prefix(50)) + " " + String(good.dropFirst(50))
        #expect(KeyDiagnosis.inspect("  " + broken, source: env).fatal?.message.contains("character 53") == true)
        #expect(
            KeyDiagnosis.inspect(
                "\u{FEFF}" + String(good.prefix(20)) + "\u{2013}" + String(good.dropFirst(20)), source: env
            ).fatal?.message.contains("character 22") == true)
        #expect(KeyDiagnosis.inspect("export  " + broken, source: env).fatal?.message.contains("character 59") == true)
    }

    @Test func theLengthAsReadIsKept() {
        #expect(KeyDiagnosis.inspect("", source: env).inputLength == 0)
        #expect(KeyDiagnosis.inspect("Bearer \(good)", source: env).inputLength == good.count + 7)
        #expect(KeyDiagnosis.inspect(" \(good)\r\n", source: env).inputLength == good.count + 3)
        #expect(KeyDiagnosis.inspect(good + "\u{00E9}", source: env).inputLength == good.count + 1)
    }
}

extension KeyDiagnosisTests {
    @Test func theSecretsOfEachShape() {
        let key = Keys.random()
        func secrets(_ raw: String) -> [String] { KeyDiagnosis.inspect(raw, source: env).secrets }
        #expect(secrets(key) == [key])
        #expect(secrets(" \(key)\n") == [key])
        #expect(secrets("\"\(key)\"") == [key])
        #expect(secrets("\u{201C}\(key)") == [key])
        #expect(secrets("Bearer \(key)") == [key])
        #expect(secrets("ANTHROPIC_API_KEY=\(key)") == [key])
        #expect(secrets("export ANTHROPIC_API_KEY=\(key)") == [key])
        #expect(secrets("export \(key)=x") == ["x", "\(key)=x"])
        #expect(secrets("MYTOKEN_Q7=\(key)") == [key, "MYTOKEN_Q7=\(key)"])
        #expect(secrets("") == [] && secrets("   ") == [])
        #expect(secrets(key + " x") == [key + " x"])
    }
}

extension KeyDiagnosisTests {
    /// The redactor masks any 12 characters of a registered key, including its public
    /// `sk-ant-api03` start: a message that spelled that out would print as someone's mask.
    @Test func noMessageSpellsOutTwelveCharactersOfAKeyPrefix() {
        let key = Keys.random()
        let shapes = [
            key, "sk-ant-admin01-" + key.dropFirst(13), "sk-proj-" + key.dropFirst(13), "sk-ant-api03-short",
            "gw-token-123456789012",
            "sk-ant-oat01-" + key.dropFirst(13), "\"\(key)\"", "Bearer \(key)", "", "   ", key + " x",
        ]
        for raw in shapes {
            for problem in KeyDiagnosis.inspect(String(raw), source: env).problems {
                #expect(
                    Keys.twelveCharacterPieces(of: key, in: problem.message + " " + problem.fix, publicPrefix: 0)
                        .isEmpty,
                    "\(problem.code): \(problem.fix)")
            }
        }
    }
}
