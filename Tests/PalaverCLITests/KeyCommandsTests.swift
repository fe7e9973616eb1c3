import FakeAnthropic
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `palaver doctor`, `palaver key …`, the helper and the stale-variable trap, end to end.
@Suite struct KeyCommandsTests {
    static let key = FakeServerHarness.defaultKey
    static let model = "claude-sonnet-4-5-20250929"

    private func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func doctorWithAGoodKey() async throws {
        try await withPalaver(key: Self.key) { _, palaver in
            let result = try await palaver.run(["doctor"])
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("Effective key: sk-ant-…"))
            #expect(result.stdout.contains("from ANTHROPIC_API_KEY"))
            #expect(result.stdout.contains("Health: valid"))
            #expect(result.stdout.contains("All good."))
            #expect(!result.stdout.contains(Self.key))
        }
    }

    @Test func doctorExplainsAnEmptyVariable() async throws {
        try await withPalaver(key: "") { fake, palaver in
            let result = try await palaver.run(["doctor"])
            #expect(result.status == 3)
            #expect(result.stdout.contains("set but empty"))
            #expect(result.stdout.contains("Health: missing"))
            #expect(fake.state.requests().isEmpty)
        }
    }

    @Test func doctorNamesCopyMistakesBeforeSending() async throws {
        try await withPalaver(key: "Bearer \(Self.key)") { fake, palaver in
            let result = try await palaver.run(["doctor"])
            #expect(result.status == 3)
            #expect(result.stdout.contains("starts with \"Bearer \""))
            #expect(result.stdout.contains("Health: malformed"))
            #expect(fake.state.requests().isEmpty)
            #expect(!result.stdout.contains(Self.key))
        }
    }

    @Test func doctorNeverTicksAKeyTheAPIRejected() async throws {
        try await withPalaver(key: Self.key) { fake, palaver in
            let before = try await palaver.run(["doctor"])
            let row = { (out: String) in
                out.split(separator: "\n").first { $0.contains("ANTHROPIC_API_KEY ") }.map(String.init) ?? ""
            }
            #expect(row(before.stdout).contains("✓"), "\(before.stdout)")
            fake.state.revokeKey(Self.key)
            let after = try await palaver.run(["doctor"])
            #expect(after.status == 4)
            #expect(!row(after.stdout).contains("✓"), "\(after.stdout)")
            #expect(
                row(after.stdout).contains("✗") && row(after.stdout).contains("rejected by the API"), "\(after.stdout)")
        }
    }

    @Test func doctorJSONForARevokedKey() async throws {
        try await withPalaver(key: Self.key) { fake, palaver in
            fake.state.revokeKey(Self.key)
            let result = try await palaver.run(["doctor", "--json"])
            #expect(result.status == 4)
            let report = try json(result.stdout)
            #expect(report["health"] as? String == "rejected")
            let verification = try #require(report["verification"] as? [String: Any])
            #expect(verification["http_status"] as? Int == 401)
            #expect(verification["error_type"] as? String == "authentication_error")
            #expect((verification["request_id"] as? String)?.hasPrefix("req_") == true)
            let findings = try #require(report["findings"] as? [[String: Any]])
            #expect(
                findings.contains {
                    ($0["detail"] as? String)?.contains("this variable still holds the old one") == true
                })
            #expect(!result.stdout.contains(Self.key))
        }
    }

    @Test func doctorRefusesALooseCredentialsFile() async throws {
        try await withPalaver(key: nil) { _, palaver in
            var set = palaver
            set.environment["ANTHROPIC_API_KEY"] = nil
            #expect(try await set.run(["key", "set"], stdin: Self.key + "\n").status == 0)
            let file = palaver.home.appendingPathComponent("config/palaver/credentials.toml").path
            chmod(file, 0o644)
            let result = try await palaver.run(["doctor"])
            #expect(result.status == 3)
            #expect(result.stdout.contains("chmod 600 \(file)"))
        }
    }

    @Test func aPipedKeysLineBreakIsExpectedButOtherWhitespaceIsNamed() async throws {
        try await withPalaver(key: nil) { _, palaver in
            let echoed = try await palaver.run(["key", "set", "--no-verify"], stdin: Self.key + "\n")
            #expect(echoed.status == 0, "\(echoed.stderr)")
            #expect(echoed.stderr.isEmpty, "\(echoed.stderr)")
            let padded = try await palaver.run(["key", "set", "--no-verify"], stdin: "  \(Self.key)\n")
            #expect(padded.status == 0)
            #expect(padded.stderr.contains("Remove the extra characters from what you paste"), "\(padded.stderr)")
            #expect(!padded.stderr.contains("from entered"))
        }
    }

    @Test func keySetStatusVerifyForget() async throws {
        try await withPalaver(key: nil) { fake, palaver in
            let set = try await palaver.run(["key", "set"], stdin: "  \(Self.key)\n")
            #expect(set.status == 0, "\(set.stderr)")
            #expect(set.stdout.contains("Saved sk-ant-…"))
            let file = palaver.home.appendingPathComponent("config/palaver/credentials.toml").path
            var info = stat()
            stat(file, &info)
            #expect(info.st_mode & 0o777 == 0o600)
            stat((file as NSString).deletingLastPathComponent, &info)
            #expect(info.st_mode & 0o777 == 0o700)

            let status = try await palaver.run(["key", "status"])
            #expect(status.status == 0)
            #expect(status.stdout.contains("source: credentials file"))
            #expect(status.stdout.contains("health: valid (verified just now)"), "\(status.stdout)")

            let verify = try await palaver.run(["key", "verify"])
            #expect(verify.status == 0)
            #expect(verify.stdout.contains("health: valid"))

            let ask = try await palaver.run(["ask", "--model", Self.model, "hi"])
            #expect(ask.status == 0)
            #expect(fake.state.requests().last?.key?.hasSuffix(String(Self.key.suffix(4))) == true)

            let forget = try await palaver.run(["key", "forget"])
            #expect(forget.status == 0)
            #expect(!FileManager.default.fileExists(atPath: file))
            #expect(try await palaver.run(["key", "status"]).status == 3)
        }
    }

    @Test func keySetVerifiesFirstAndWarnsAboutTheVariable() async throws {
        let unknown = FakeServerHarness.randomKey()
        try await withPalaver(key: nil) { _, palaver in
            let rejected = try await palaver.run(["key", "set"], stdin: unknown)
            #expect(rejected.status == 4)
            #expect(rejected.stderr.contains("Nothing was saved"))
            #expect(
                !FileManager.default.fileExists(
                    atPath: palaver.home.appendingPathComponent("config/palaver/credentials.toml").path))
            #expect(try await palaver.run(["key", "set", "--no-verify"], stdin: unknown).status == 0)
            let malformed = try await palaver.run(["key", "set"], stdin: "sk-ant-api03 broken")
            #expect(malformed.status == 3)

            var shadowed = palaver
            shadowed.environment["ANTHROPIC_API_KEY"] = FakeServerHarness.randomKey()
            let warned = try await shadowed.run(["key", "set"], stdin: Self.key)
            #expect(warned.status == 0)
            #expect(warned.stderr.contains("ANTHROPIC_API_KEY is set and takes precedence"))
        }
    }

    @Test func staleVariableTrapUsesTheNewerSavedKey() async throws {
        let old = FakeServerHarness.randomKey()
        try await withPalaver(key: old) { fake, palaver in
            fake.state.addKey(old)
            #expect(try await palaver.run(["ask", "--model", Self.model, "hi"]).status == 0)
            fake.state.revokeKey(old)
            let rejected = try await palaver.run(["ask", "--model", Self.model, "hi"])
            #expect(rejected.status == 4)
            // A new key is saved from another terminal; the variable still holds the old one.
            #expect(try await palaver.run(["key", "set"], stdin: Self.key).status == 0)
            let next = try await palaver.run(["ask", "--model", Self.model, "hi"])
            #expect(next.status == 0, "\(next.stderr)")
            #expect(next.stderr.contains("ANTHROPIC_API_KEY holds sk-ant-…"))
            #expect(next.stderr.contains("using the saved key"))
            #expect(fake.state.requests().last?.key?.hasSuffix(String(Self.key.suffix(4))) == true)
            let doctor = try await palaver.run(["doctor"])
            #expect(doctor.status == 0)
            #expect(doctor.stdout.contains("rejected before, so the saved key is used instead"))
        }
    }

    @Test func helperKeyIsUsedAndReRunOnceAfterA401() async throws {
        let first = FakeServerHarness.randomKey()
        try await withPalaver(key: nil) { fake, palaver in
            fake.state.addKey(first, status: .revoked)
            let marker = palaver.home.appendingPathComponent("helper-ran").path
            try palaver.writeConfig(
                """
                api_key_helper = "if [ -f \(marker) ]; then echo \(Self.key); else touch \(marker); echo \(first); fi"
                """)
            let result = try await palaver.run(["ask", "--model", Self.model, "hi"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("api_key_helper"))
            #expect(fake.state.requests().count == 2)

            try palaver.writeConfig("api_key_helper = \"sleep 5\"\napi_key_helper_timeout = 0.3\n")
            let hung = try await palaver.run(["doctor", "--no-verify"])
            #expect(hung.stdout.contains("did not finish within 300 ms"))
        }
    }

    /// The key must not reach stdout, stderr, logs or any file palaver writes, except the credentials file.
    @Test func theKeyNeverLeaks() async throws {
        try await withPalaver(key: Self.key) { fake, palaver in
            _ = try await palaver.run(["ask", "--model", Self.model, "hello"])
            _ = try await palaver.run(["ask", "hello"])
            _ = try await palaver.run(["ask", "--json", "--no-stream", "--model", Self.model, "hello"])
            _ = try await palaver.run(["doctor"])
            _ = try await palaver.run(["doctor", "--json"])
            var noEnv = palaver
            noEnv.environment["ANTHROPIC_API_KEY"] = nil
            _ = try await noEnv.run(["key", "set"], stdin: Self.key)
            _ = try await palaver.run(["key", "verify"])
            _ = try await palaver.run(["key", "status"])
            var profileOutputs: [PalaverProcess.Result] = []
            profileOutputs.append(try await noEnv.run(["key", "set", "--name", "leak"], stdin: Self.key))
            profileOutputs.append(try await palaver.run(["key", "list"]))
            profileOutputs.append(try await palaver.run(["key", "use", "leak"]))
            profileOutputs.append(try await palaver.run(["ask", "--key-profile", "leak", "--model", Self.model, "hi"]))
            profileOutputs.append(try await palaver.run(["doctor", "--key-profile", "leak"]))
            for output in profileOutputs {
                #expect(output.status == 0, "\(output.stderr)")
                #expect(!output.stdout.contains(Self.key) && !output.stderr.contains(Self.key))
            }
            fake.state.enqueueFault(.status(500, message: "upstream echoed \(Self.key)"))
            _ = try await palaver.run(["ask", "--max-retries", "0", "--model", Self.model, "fail"])
            fake.state.revokeKey(Self.key)
            var outputs: [PalaverProcess.Result] = []
            outputs.append(try await palaver.run(["ask", "--model", Self.model, "rejected"]))
            outputs.append(try await palaver.run(["doctor", "--json"]))
            outputs.append(try await palaver.run(["key", "verify"]))
            for output in outputs {
                #expect(!output.stdout.contains(Self.key) && !output.stderr.contains(Self.key))
            }
            let scan = try PalaverProcess.filesHolding(Self.key, under: palaver.home.path)
            #expect(scan.holding == [], "these files hold the key")
            #expect(scan.scanned >= 3) // the log, the remembered model, the rejected-key memory
            let log = try String(
                contentsOf: palaver.home.appendingPathComponent("state/palaver/palaver.log"), encoding: .utf8)
            #expect(log.contains("sending message"))
            #expect(log.contains("sk-ant-…"))
        }
    }
}
