import FakeAnthropic
import Foundation
import TestSupport
import Testing

/// `palaver doctor` on every malformed key shape: every number it prints is true, nothing is
/// sent, and no 12-character piece of the key reaches its output.
@Suite struct DoctorKeyShapesTests {
    static let key = FakeServerHarness.defaultKey

    /// A malformed value in a variable, and the secret inside it.
    struct Shape: Sendable, CustomTestStringConvertible {
        var name: String
        var variable: String
        var raw: String
        var secret: String
        var testDescription: String { name }
    }

    static let shapes: [Shape] = {
        let k = FakeServerHarness.randomKey()
        let gateway = "GWTOKEN7Q2X9K4M8P3R6Z1=v8Hq2Lr5Tx9Wc3Nb7Kd1Fg6J"
        let api = "ANTHROPIC_API_KEY"
        return [
            Shape(name: "quoted", variable: api, raw: "\"\(k)\"", secret: k),
            Shape(name: "Bearer prefix", variable: api, raw: "Bearer \(k)", secret: k),
            Shape(name: "shell line", variable: api, raw: "export ANTHROPIC_API_KEY=\(k)", secret: k),
            Shape(name: "key as a variable name", variable: api, raw: "export \(k)=x", secret: k),
            Shape(
                name: "space inside", variable: api, raw: String(k.prefix(50)) + " " + String(k.dropFirst(50)),
                secret: k),
            Shape(
                name: "non-ASCII", variable: api, raw: String(k.prefix(30)) + "\u{2013}" + String(k.dropFirst(30)),
                secret: k),
            Shape(name: "OpenAI", variable: api, raw: "sk-proj-" + String(k.dropFirst(13)), secret: k),
            Shape(name: "admin", variable: api, raw: "sk-ant-admin01-" + String(k.dropFirst(13)), secret: k),
            Shape(name: "whitespace only", variable: api, raw: "   ", secret: ""),
            Shape(name: "NAME=value gateway token", variable: "ANTHROPIC_AUTH_TOKEN", raw: gateway, secret: gateway),
        ]
    }()

    private func pieces(of secret: String, in text: String) -> [String] {
        let scalars = Array(secret.unicodeScalars)
        guard scalars.count >= 12 else { return [] }
        let publicPrefix = secret.hasPrefix("sk-ant-api03-") ? 13 : 0
        return (0...(scalars.count - 12)).filter { $0 + 12 > publicPrefix }
            .map { String(String.UnicodeScalarView(scalars[$0..<$0 + 12])) }
            .filter { text.contains($0) }
    }

    @Test(arguments: shapes)
    func doctorCountsTheValueAsReadAndSendsNothing(_ shape: Shape) async throws {
        try await FakeServerHarness.with { fake in
            var palaver = try PalaverProcess(baseURL: fake.baseURL, key: nil)
            defer { palaver.cleanUp() }
            palaver.environment[shape.variable] = shape.raw
            let length = shape.raw.unicodeScalars.count
            let text = try await palaver.run(["doctor"])
            #expect(text.status == 3, "\(text.stdout)")
            #expect(text.stdout.contains("(\(length) characters as read; not usable)"), "\(text.stdout)")
            #expect(!text.stdout.contains("(0 characters"))
            #expect(text.stdout.contains("Health: malformed"))

            let json = try await palaver.run(["doctor", "--json"])
            #expect(json.status == 3)
            let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            let sources = try #require(report["sources"] as? [[String: Any]])
            let source = try #require(sources.first { $0["source"] as? String == shape.variable })
            #expect(source["length_as_read"] as? Int == length)
            #expect(source["length"] is NSNull)
            #expect(source["usable"] as? Bool == false)

            #expect(fake.state.requests().isEmpty)
            for output in [text.stdout, text.stderr, json.stdout, json.stderr] {
                #expect(pieces(of: shape.secret, in: output).isEmpty, "a piece of the key is printed")
            }
        }
    }

    @Test func doctorCountsATrimmedKeyBothWays() async throws {
        try await FakeServerHarness.with { fake in
            let palaver = try PalaverProcess(baseURL: fake.baseURL, key: " \(Self.key)\n")
            defer { palaver.cleanUp() }
            let result = try await palaver.run(["doctor"])
            #expect(result.status == 0, "\(result.stdout)")
            #expect(result.stdout.contains("(108 characters as used; 110 as read)"), "\(result.stdout)")
            #expect(result.stdout.contains("Health: valid"))
        }
    }

    /// A helper that starts a daemon holding its output pipe: doctor returns with the key, does
    /// not warn about `echo`'s line break, and shows the command without its arguments.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/setsid")))
    func doctorWithAHelperThatLeavesADaemon() async throws {
        try await FakeServerHarness.with { fake in
            let palaver = try PalaverProcess(baseURL: fake.baseURL, key: nil)
            defer { palaver.cleanUp() }
            try palaver.writeConfig(
                "api_key_helper = \"setsid sleep 30 & sleep 0.2; echo \(Self.key)\"\napi_key_helper_timeout = 2\n")
            let clock = ContinuousClock()
            let start = clock.now
            let result = try await palaver.start(["doctor"]).wait(timeout: .seconds(25))
            #expect(clock.now - start < .seconds(15)) // the daemon lives 30 s
            #expect(result.status == 0, "\(result.stdout)")
            #expect(result.stdout.contains("from api_key_helper"))
            #expect(result.stdout.contains("command: setsid …"))
            #expect(!result.stdout.contains("line break"), "\(result.stdout)")
            #expect(pieces(of: Self.key, in: result.stdout + result.stderr).isEmpty)
        }
    }

    @Test func aHelperTimeoutDoesNotPrintTheCommandLine() async throws {
        let other = FakeServerHarness.randomKey()
        try await FakeServerHarness.with { fake in
            let palaver = try PalaverProcess(baseURL: fake.baseURL, key: nil)
            defer { palaver.cleanUp() }
            try palaver.writeConfig("api_key_helper = \"sleep 5; echo \(other)\"\napi_key_helper_timeout = 0.3\n")
            let result = try await palaver.run(["doctor", "--no-verify"])
            #expect(result.status == 3)
            #expect(result.stdout.contains("did not finish within 300 ms"), "\(result.stdout)")
            #expect(result.stdout.contains("command: sleep …"))
            #expect(pieces(of: other, in: result.stdout + result.stderr).isEmpty)
        }
    }

    /// A key that came only from `api_key_helper` is registered for redaction by value: a server
    /// that echoes it without its `sk-ant-` prefix (pattern masking misses that) shows no piece of it.
    @Test func aHelperKeyEchoedWithoutItsPrefixIsMasked() async throws {
        try await FakeServerHarness.with { fake in
            let palaver = try PalaverProcess(baseURL: fake.baseURL, key: nil)
            defer { palaver.cleanUp() }
            try palaver.writeConfig("api_key_helper = \"echo \(Self.key)\"\n")
            let echoed = String(Self.key.dropFirst(7))
            fake.state.enqueueFault(.status(500, message: "upstream saw key \(echoed)"))
            let result = try await palaver.run([
                "ask", "--max-retries", "0", "--model", "claude-sonnet-4-5-20250929", "hi",
            ])
            #expect(result.status != 0)
            #expect(result.stderr.contains("upstream saw key"), "\(result.stderr)")
            #expect(pieces(of: Self.key, in: result.stdout + result.stderr).isEmpty, "\(result.stderr)")
        }
    }
}
