import FakeAnthropic
import Foundation
import TestSupport
import Testing

/// The faults a fault campaign drives from a shell: queued as JSON over HTTP (or `--fault` at
/// start), checked on the raw bytes the fake sends.
@Suite("Hostile faults", .serialized)
struct HostileFaultTests {
    private func queue(_ fake: FakeServerHarness, _ json: String, sourceLocation: SourceLocation = #_sourceLocation)
        async throws
    {
        let r = try await fake.control("POST", "/_control/faults", json: json)
        #expect(r.status == 200, "\(r.text)", sourceLocation: sourceLocation)
    }

    @Test func headersOnANormalAnswer() async throws {
        try await FakeServerHarness.with { fake in
            try await queue(
                fake, #"{"kind":"headers","path":"/v1/models","headers":{"retry-after":"inf","x-odd":"1e300"}}"#)
            let r = try await getModels(fake)
            #expect(r.status == 200)
            #expect(r.headers["retry-after"] == "inf")
            #expect(r.headers["x-odd"] == "1e300")
        }
    }

    @Test func redirectWithLocation() async throws {
        try await FakeServerHarness.with { fake in
            try await queue(
                fake, #"{"kind":"redirect","status":301,"location":"https://elsewhere.example/v1/messages"}"#)
            let r = try await postMessages(fake, json: messagesJSON())
            #expect(r.status == 301)
            #expect(r.headers["location"] == "https://elsewhere.example/v1/messages")
            let bad = try await fake.control("POST", "/_control/faults", json: #"{"kind":"redirect","status":200}"#)
            #expect(bad.status == 400)
        }
    }

    @Test(arguments: [false, true])
    func gzipBodiesDecompressToTheNormalAnswer(_ stream: Bool) async throws {
        try await FakeServerHarness.with { fake in
            try await queue(fake, #"{"kind":"gzip"}"#)
            let r = try await postMessages(fake, json: messagesJSON(stream: stream))
            #expect(r.status == 200)
            #expect(r.headers["content-encoding"] == "gzip")
            #expect(r.body.prefix(2) == Data([0x1F, 0x8B]))
            let plain = try gunzip(r.body)
            let text = String(decoding: plain, as: UTF8.self)
            if stream {
                #expect(textDeltas(parseSSE(text)).joined() == "Hello from fake-anthropic. You said: hello there")
            } else {
                #expect(
                    (try JSONSerialization.jsonObject(with: plain) as? [String: Any])?["type"] as? String == "message")
            }
        }
    }

    @Test func pingsNeverEnd() async throws {
        try await FakeServerHarness.with { fake in
            try await queue(fake, #"{"kind":"pings","interval_ms":20,"after_events":1}"#)
            let text = try curl(fake, json: messagesJSON(stream: true), maxTime: 1.5)
            let events = parseSSE(text)
            #expect(events.filter { $0.event == "ping" }.count >= 5)
            #expect(textDeltas(events).count == 1)
            #expect(!events.contains { $0.event == "message_stop" })
        }
    }

    @Test func trickleSendsOneByteAtATime() async throws {
        try await FakeServerHarness.with { fake in
            try await queue(fake, #"{"kind":"trickle","interval_ms":30}"#)
            let text = try curl(fake, json: messagesJSON(), maxTime: 1.5)
            // At most 1.5 s / 30 ms + 1.
            #expect(text.utf8.count > 1 && text.utf8.count <= 60, "\(text.utf8.count) bytes")
            #expect(text.hasPrefix("{"))
        }
    }

    @Test func hugeLineAndHugeBodyHaveTheirSize() async throws {
        try await FakeServerHarness.with { fake in
            try await queue(
                fake,
                #"[{"kind":"huge_line","size_mb":2,"after_events":1},{"kind":"huge_body","size_mb":1.5,"status":413}]"#)
            let line = try await postMessages(fake, json: messagesJSON(stream: true))
            let longest = line.text.split(separator: "\n").map(\.utf8.count).max() ?? 0
            #expect(longest == 2 * 1_048_576 + "data: ".utf8.count)
            #expect(parseSSE(line.text).contains { $0.event == "message_stop" }) // the rest follows the line
            let body = try await postMessages(fake, json: messagesJSON())
            #expect(body.status == 413)
            #expect(body.body.count > 1_572_864)
            let error = (body.json as? [String: Any])?["error"] as? [String: Any]
            #expect((error?["message"] as? String)?.count == 1_572_864)
            let tooBig = try await fake.control(
                "POST", "/_control/faults", json: #"{"kind":"huge_body","size_mb":5000}"#)
            #expect(tooBig.status == 400)
        }
    }

    @Test func wrongShapePerEndpoint() async throws {
        try await FakeServerHarness.with { fake in
            try await queue(
                fake,
                #"[{"kind":"wrong_shape"},{"kind":"wrong_shape","path":"/v1/models"},{"kind":"wrong_shape","body":"{\"type\":\"message_start\",\"message\":7}"}]"#
            )
            let plain = try await postMessages(fake, json: messagesJSON())
            #expect(plain.status == 200)
            #expect(plain.text == "[1,2,3]")
            let models = try await getModels(fake)
            #expect(models.text.contains(#""data":{"#))
            let streamed = try await postMessages(fake, json: messagesJSON(stream: true))
            #expect(parseSSE(streamed.text).first?.data == #"{"type":"message_start","message":7}"#)
        }
    }

    @Test func escapeLadenErrorsAndModelsArriveByteExact() async throws {
        try await FakeServerHarness.with { fake in
            try await queue(
                fake,
                #"{"kind":"status","status":400,"error_type":"x\u001b]0;t\u0007","message":"\u001b]52;c;aGk=\u0007\u001b[2J\u202e\u0090q\u009c"}"#
            )
            let r = try await postMessages(fake, json: messagesJSON())
            let error = (r.json as? [String: Any])?["error"] as? [String: Any]
            #expect(error?["type"] as? String == "x\u{1B}]0;t\u{07}")
            #expect(error?["message"] as? String == "\u{1B}]52;c;aGk=\u{07}\u{1B}[2J\u{202E}\u{90}q\u{9C}")
            let set = try await fake.control(
                "POST", "/_control/models",
                json: #"{"models":[{"id":"m\u001b[2J","display_name":"\u001bP1;2|x\u001b\\"}]}"#)
            #expect(set.status == 200)
            let models = try await getModels(fake)
            let first = ((models.json as? [String: Any])?["data"] as? [[String: Any]])?.first
            #expect(first?["id"] as? String == "m\u{1B}[2J")
            #expect(first?["display_name"] as? String == "\u{1B}P1;2|x\u{1B}\\")
        }
    }

    @Test(.enabled(if: ExecutableTests.binary != nil, "fake-anthropic binary not built"))
    func faultsQueuedAtStart() async throws {
        let fake = try await ExecutableTests.start(
            [
                "--port", "0", "--key", FakeServerHarness.defaultKey, "--fault",
                #"{"kind":"status","status":429,"headers":{"retry-after":"inf"}}"#,
            ],
            environment: ["FAKE_ANTHROPIC_FAULTS": #"[{"kind":"redirect","path":"/v1/models"}]"#])
        defer { fake.stop() }
        let port = fake.port
        let limited = try await RawHTTPClient.api(
            port: port, path: "/v1/messages", key: FakeServerHarness.defaultKey, json: messagesJSON())
        #expect(limited.status == 429)
        #expect(limited.headers["retry-after"] == "inf")
        let moved = try await RawHTTPClient.api(
            port: port, method: "GET", path: "/v1/models", key: FakeServerHarness.defaultKey)
        #expect(moved.status == 302)
    }

    @Test(.enabled(if: ExecutableTests.binary != nil, "fake-anthropic binary not built"))
    func badFaultJSONAtStartIsAUsageError() throws {
        let process = Process()
        process.executableURL = try #require(ExecutableTests.binary)
        process.arguments = ["--port", "0", "--fault", #"{"kind":"nonsense"}"#]
        process.standardOutput = Pipe()
        let err = Pipe()
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 2)
        #expect(
            String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).contains(
                "unknown fault kind"))
    }

    /// What curl receives from POST /v1/messages within `maxTime` seconds (the RawHTTPClient's
    /// timeout counts from the last byte, so it would wait for an endless stream forever).
    private func curl(_ fake: FakeServerHarness, json: String, maxTime: Double) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = [
            "-s", "-N", "--max-time", String(maxTime), "-H", "x-api-key: \(FakeServerHarness.defaultKey)",
            "-H", "anthropic-version: 2023-06-01", "-H", "content-type: application/json",
            "-d", json, fake.baseURL + "/v1/messages",
        ]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 28) // curl: operation timed out (the body never ended)
        return String(decoding: data, as: UTF8.self)
    }

    private func gunzip(_ data: Data) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-dc"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(data)
        try input.fileHandleForWriting.close()
        let result = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return result
    }
}
