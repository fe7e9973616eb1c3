import AnthropicAPI
import Foundation
import TestSupport
import Testing

@testable import Credentials

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct KeyResolverTests {
    let envKey = Keys.make("e")
    let tokenKey = "gateway-token-abcdef123456"
    let helperKey = Keys.make("h")
    let fileKey = Keys.make("f")
    let sessionKey = Keys.make("s")

    private func resolver(
        _ temp: TemporaryDirectory, env: [String: String] = [:], session: String? = nil,
        helper: String? = nil, fileKey: String? = nil
    ) throws -> KeyResolver {
        let file = CredentialsFile(directory: temp.path("config"))
        if let fileKey { try file.write(fileKey) }
        return KeyResolver(
            environment: env, sessionKey: session, helper: helper.map { KeyHelper(command: $0, timeout: .seconds(5)) },
            file: file, memory: RejectedKeyMemory(directory: temp.path("state")))
    }

    @Test func precedenceSessionEnvTokenHelperFile() throws {
        let temp = try TemporaryDirectory(prefix: "palaver-cred")
        let all = try resolver(
            temp, env: ["ANTHROPIC_API_KEY": envKey, "ANTHROPIC_AUTH_TOKEN": tokenKey], session: sessionKey,
            helper: "printf %s \(helperKey)", fileKey: fileKey)
        #expect(all.resolve().key?.source == .session)
        var r = all
        r.sessionKey = nil
        #expect(r.resolve().key?.credential == Credential(secret: envKey))
        r.environment["ANTHROPIC_API_KEY"] = nil
        #expect(r.resolve().key?.credential == Credential(secret: tokenKey, scheme: .bearer))
        r.environment = [:]
        #expect(r.resolve().key?.source == .helper)
        #expect(r.resolve().key?.credential.secret == helperKey)
        r.helper = nil
        #expect(r.resolve().key?.source == .credentialsFile(r.file.path))
        #expect(r.resolve().key?.credential.secret == fileKey)
        try r.file.remove()
        let none = r.resolve()
        #expect(none.key == nil)
        #expect(none.health == .missing)
    }

    @Test func anEmptyVariableCountsAsUnset() throws {
        let temp = try TemporaryDirectory(prefix: "palaver-cred")
        let r = try resolver(temp, env: ["ANTHROPIC_API_KEY": ""], fileKey: fileKey)
        let resolution = r.resolve()
        #expect(resolution.key?.credential.secret == fileKey)
        #expect(
            resolution.sources.contains {
                if case .absent(let why) = $0.state { return why.contains("empty") } else { return false }
            })
    }

    @Test func aMalformedHigherSourceBlocksAndSaysSo() throws {
        let temp = try TemporaryDirectory(prefix: "palaver-cred")
        let r = try resolver(temp, env: ["ANTHROPIC_API_KEY": "\"\(envKey)\""], fileKey: fileKey)
        let resolution = r.resolve()
        #expect(resolution.key == nil)
        #expect(resolution.blocked?.source == .environment("ANTHROPIC_API_KEY"))
        if case .malformed(let why) = resolution.health {
            #expect(why.contains("quote"))
        } else {
            Issue.record("health \(resolution.health)")
        }
    }

    @Test func trimmedKeysComeWithANotice() throws {
        let temp = try TemporaryDirectory(prefix: "palaver-cred")
        let resolution = try resolver(temp, env: ["ANTHROPIC_API_KEY": "\(envKey)\n"]).resolve()
        #expect(resolution.key?.credential.secret == envKey)
        #expect(resolution.notices.count == 1)
        #expect(resolution.notices[0].contains("ANTHROPIC_API_KEY"))
    }

    @Test func theStaleVariableTrap() throws {
        let temp = try TemporaryDirectory(prefix: "palaver-cred")
        let r = try resolver(temp, env: ["ANTHROPIC_API_KEY": envKey], fileKey: fileKey)
        #expect(r.resolve().key?.credential.secret == envKey) // nothing known against it yet
        r.memory.rememberRejected(envKey)
        let resolution = r.resolve()
        #expect(resolution.key?.credential.secret == fileKey)
        #expect(resolution.key?.source == .credentialsFile(r.file.path))
        let notice = try #require(resolution.notices.first)
        #expect(notice.contains("ANTHROPIC_API_KEY holds sk-ant-…eeAA, which the API rejected"))
        #expect(notice.contains("using the saved key sk-ant-…ffAA"))
        #expect(!notice.contains(envKey) && !notice.contains(fileKey))
        // If the saved key was rejected too, or is the same key, there is nothing better to switch to.
        r.memory.rememberRejected(fileKey)
        #expect(r.resolve().key?.credential.secret == envKey)
    }

    @Test func looseCredentialsFileIsNotUsed() throws {
        let temp = try TemporaryDirectory(prefix: "palaver-cred")
        let r = try resolver(temp, fileKey: fileKey)
        chmod(r.file.path, 0o604)
        let resolution = r.resolve()
        #expect(resolution.key == nil)
        #expect(
            resolution.sources.contains {
                if case .failed(let reason, _) = $0.state {
                    return reason.contains("other users")
                } else {
                    return false
                }
            })
    }

    @Test func helperFailuresAreReportedAndOtherSourcesStillWork() throws {
        let temp = try TemporaryDirectory(prefix: "palaver-cred")
        let failing = try resolver(temp, helper: "echo oops >&2; exit 3", fileKey: fileKey).resolve()
        #expect(failing.key?.credential.secret == fileKey)
        #expect(
            failing.sources.contains {
                if case .failed(let reason, _) = $0.state {
                    return reason.contains("status 3") && reason.contains("oops")
                } else {
                    return false
                }
            })
    }
}

/// Every candidate the resolver reads is registered with the by-value redactor, used or not.
@Suite struct KeyResolverRedactionTests {
    @Test func everyCandidateIsRegistered() throws {
        let temp = try TemporaryDirectory(prefix: "palaver-cred")
        let session = Keys.random()
        let env = Keys.random()
        let token = Keys.random()
        let helper = Keys.random()
        let saved = Keys.random()
        let file = CredentialsFile(directory: temp.path("config"))
        try file.write(saved)
        let resolver = KeyResolver(
            environment: ["ANTHROPIC_API_KEY": "\"\(env)\"", "ANTHROPIC_AUTH_TOKEN": "Bearer \(token)"],
            sessionKey: session, helper: KeyHelper(command: "echo \(helper)", timeout: .seconds(5)),
            file: file, memory: RejectedKeyMemory(directory: temp.path("state")))
        _ = resolver.resolve()
        for key in [session, env, token, helper, saved] {
            let fragment = String(key.dropFirst(20).prefix(30)) // without the sk- prefix: pattern matching misses it
            let redacted = Redactor.shared.redact("upstream said: \(fragment).")
            #expect(!redacted.contains(fragment.prefix(12)), "a fragment of a candidate survived")
        }
    }

    @Test func malformedValuesRegisterTheirSecretNotTheVariableName() throws {
        let temp = try TemporaryDirectory(prefix: "palaver-cred")
        let key = Keys.random()
        let gateway = "GW\(Int.random(in: 100_000...999_999))TOKENQX8=" + String(key.dropFirst(13).prefix(24))
        let resolver = KeyResolver(
            environment: ["ANTHROPIC_API_KEY": "export ANTHROPIC_API_KEY=\(key)", "ANTHROPIC_AUTH_TOKEN": gateway],
            helper: nil, file: CredentialsFile(directory: temp.path("config")),
            memory: RejectedKeyMemory(directory: temp.path("state")))
        _ = resolver.resolve()
        #expect(
            Redactor.shared.redact("ANTHROPIC_API_KEY is not set; export ANTHROPIC_API_KEY=")
                == "ANTHROPIC_API_KEY is not set; export ANTHROPIC_API_KEY=")
        #expect(!Redactor.shared.redact(String(key.dropFirst(30))).contains(String(key.dropFirst(30).prefix(12))))
        let name = String(gateway.prefix(while: { $0 != "=" }))
        #expect(!Redactor.shared.redact("token \(name) rejected").contains(name))
    }
}
