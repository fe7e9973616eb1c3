import FakeAnthropic
import Foundation
import TestSupport
import Testing

/// Server text never writes a control sequence to the user's terminal, whatever field it hides
/// in: error messages and types, HTML titles, stream error events, model ids, stored titles and
/// model columns, reply text. Standard error is checked through a pipe (it is always sanitised);
/// standard output on a real pseudo-terminal (`script`), where a terminal would obey it.
@Suite struct TerminalInjectionTests {
    static let key = FakeServerHarness.defaultKey
    static let storm =
        "\u{1B}]52;c;cHduZWQ=\u{07}\u{1B}]0;pwned\u{07}\u{1B}[2J\u{1B}P+q544e\u{1B}\\\u{9B}31m\u{9D}0;t\u{9C}\u{202E}gnp.exe"

    /// Whether `text` holds ESC, a C1 control or a bidi override a terminal would obey.
    static func obeyable(_ text: String) -> Bool {
        text.unicodeScalars.contains { s in s.value == 0x1B || (0x80...0x9F).contains(s.value) || s.value == 0x202E }
    }

    /// Runs palaver with stdout and stderr on a pseudo-terminal; returns what the terminal got.
    private func onTerminal(_ palaver: PalaverProcess, _ arguments: [String]) throws -> String {
        let bin = PalaverProcess.binDirectory.appendingPathComponent("palaver").path
        let command = ([bin] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(
            separator: " ")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qec", command, "/dev/null"]
        var environment = palaver.environment
        environment["TERM"] = "xterm-256color"
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test func errorMessagesAndTypesReachStandardErrorInert() async throws {
        try await withPalaver(key: Self.key) { fake, palaver in
            fake.state.enqueueFault(
                .status(400, errorType: "invalid_request_error" + Self.storm, message: "bad" + Self.storm))
            let asked = try await palaver.run([
                "ask", "--model", "claude-sonnet-4-5-20250929", "--max-retries", "0", "hi",
            ])
            #expect(asked.status == 8)
            #expect(!Self.obeyable(asked.stderr), "\(asked.stderr.unicodeScalars.map { String($0.value, radix: 16) })")
            #expect(asked.stderr.contains("bad") && asked.stderr.contains("<U+202E>gnp.exe"), "\(asked.stderr)")
            #expect(!asked.stderr.contains("cHduZWQ="))
        }
    }

    @Test func errorEventsInsideAStreamAndPlainTextBodiesToo() async throws {
        try await withPalaver(key: Self.key) { fake, palaver in
            fake.state.enqueueFault(.streamError(afterEvents: 1, message: "busy" + Self.storm))
            let streamed = try await palaver.run([
                "ask", "--model", "claude-sonnet-4-5-20250929", "--max-retries", "0", "hi",
            ])
            #expect(streamed.status != 0)
            #expect(!Self.obeyable(streamed.stderr), "\(streamed.stderr)")
            #expect(streamed.stderr.contains("busy"))

            fake.state.enqueueFault(
                .rawBody(
                    status: 500, body: "oops" + Self.storm, contentType: "text/plain",
                    headers: ["x-should-retry": "false"]))
            let plain = try await palaver.run([
                "ask", "--model", "claude-sonnet-4-5-20250929", "--max-retries", "0", "hi",
            ])
            #expect(plain.status == 8)
            #expect(!Self.obeyable(plain.stderr), "\(plain.stderr)")
            #expect(plain.stderr.contains("oops"))
        }
    }

    @Test func modelIdsRepliesAndStoredColumnsReachATerminalInert() async throws {
        try await withPalaver(key: Self.key) { fake, palaver in
            fake.state.setModels([
                ModelInfo(
                    id: "claude-evil" + Self.storm, displayName: "Evil" + Self.storm, createdAt: "2026-11-01T00:00:00Z"),
                ModelInfo(id: "claude-good-1", displayName: "Good", createdAt: "2025-01-01T00:00:00Z"),
            ])
            fake.state.setReply(ReplyConfig(text: "reply" + Self.storm + " end", chunkChars: 3))
            let models = try onTerminal(palaver, ["models"])
            #expect(models.contains("claude-evil") && models.contains("claude-good-1"), "\(models)")
            #expect(!Self.obeyable(models), "\(models.unicodeScalars.map { String($0.value, radix: 16) })")

            // ask chooses the newest listed model; the reply streams to the terminal in pieces.
            let asked = try onTerminal(palaver, ["ask", "--max-retries", "0", "title" + Self.storm])
            #expect(asked.contains("reply") && asked.contains("end"), "\(asked)")
            #expect(!Self.obeyable(asked), "\(asked.unicodeScalars.map { String($0.value, radix: 16) })")

            for command in [
                ["sessions", "list"], ["sessions", "show", "1"], ["sessions", "export", "1", "--format", "md"],
            ] {
                let shown = try onTerminal(palaver, command)
                #expect(!shown.isEmpty)
                #expect(
                    !Self.obeyable(shown), "\(command): \(shown.unicodeScalars.map { String($0.value, radix: 16) })")
            }
        }
    }
}
