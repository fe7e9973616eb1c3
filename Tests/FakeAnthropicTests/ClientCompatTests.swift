import FakeAnthropic
import Foundation
import TestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The fake seen through real HTTP clients: curl (libcurl, like palaver) and URLSession.
@Suite("Client compatibility")
struct ClientCompatTests {
    static let curlPath = ["/usr/bin/curl", "/bin/curl", "/usr/local/bin/curl"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    struct CurlResult {
        var exitCode: Int32
        var output: String
    }

    static func curl(_ args: [String]) async throws -> CurlResult {
        let path = try #require(curlPath)
        return try await withCheckedThrowingContinuation { (c: CheckedContinuation<CurlResult, any Error>) in
            Thread {
                let p = Process()
                p.executableURL = URL(fileURLWithPath: path)
                p.arguments = ["-s", "-N"] + args
                let out = Pipe()
                p.standardOutput = out
                p.standardError = Pipe()
                do {
                    try p.run()
                    let data = out.fileHandleForReading.readDataToEndOfFile()
                    p.waitUntilExit()
                    c.resume(
                        returning: CurlResult(
                            exitCode: p.terminationStatus, output: String(decoding: data, as: UTF8.self)))
                } catch {
                    c.resume(throwing: error)
                }
            }.start()
        }
    }

    static func curlMessages(_ fake: FakeServerHarness, stream: Bool, extra: [String] = []) async throws -> CurlResult {
        try await curl(
            extra + [
                "\(fake.apiBaseURL)/v1/messages",
                "-H", "x-api-key: \(FakeServerHarness.defaultKey)",
                "-H", "anthropic-version: 2023-06-01",
                "-H", "content-type: application/json",
                "-d", messagesJSON(text: "curl", stream: stream),
            ])
    }

    @Test(.enabled(if: curlPath != nil, "curl not installed"))
    func curlSeesFaults() async throws {
        let fake = try await FakeServerHarness.start(pathPrefix: "/anthropic")
        defer { Task { await fake.stop() } }

        let ok = try await Self.curlMessages(fake, stream: true)
        #expect(ok.exitCode == 0)
        #expect(textDeltas(parseSSE(ok.output)).joined() == "Hello from fake-anthropic. You said: curl")

        fake.state.enqueueFault(.drop(afterEvents: 1))
        let dropped = try await Self.curlMessages(fake, stream: true)
        #expect(dropped.exitCode == 18) // CURLE_PARTIAL_FILE: transfer closed with outstanding read data
        #expect(textDeltas(parseSSE(dropped.output)).count == 1)

        fake.state.enqueueFault(.drop(afterEvents: -1))
        let empty = try await Self.curlMessages(fake, stream: true)
        #expect(empty.exitCode == 52) // CURLE_GOT_NOTHING

        fake.state.enqueueFault(.drop(afterEvents: 1))
        let droppedPlain = try await Self.curlMessages(fake, stream: false)
        #expect(droppedPlain.exitCode == 18)

        fake.state.enqueueFault(.stall(seconds: 5, afterEvents: 1))
        let stalled = try await Self.curlMessages(fake, stream: true, extra: ["--max-time", "0.7"])
        #expect(stalled.exitCode == 28) // CURLE_OPERATION_TIMEDOUT
        #expect(await eventually { fake.state.activeResponses() == 0 })
    }

    @Test func urlSessionNonStreaming() async throws {
        let fake = try await FakeServerHarness.start()
        defer { Task { await fake.stop() } }
        var request = URLRequest(url: URL(string: fake.apiBaseURL + "/v1/messages")!)
        request.httpMethod = "POST"
        request.setValue(FakeServerHarness.defaultKey, forHTTPHeaderField: "x-api-key")
        request.setValue("2023-06-01", forHTTPHeaderField: "anthropic-version")
        request.setValue("application/json", forHTTPHeaderField: "content-type")
        // escaped unicode in the request JSON (a surrogate pair too)
        request.httpBody = Data(
            """
            {"model":"\(sonnet)","max_tokens":16,"messages":[{"role":"user","content":"caf\\u00e9 \\ud83d\\ude42"}]}
            """.utf8)
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        #expect(http.statusCode == 200)
        #expect((http.value(forHTTPHeaderField: "request-id") ?? "").hasPrefix("req_"))
        let obj = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let text = (obj["content"] as? [[String: Any]])?.first?["text"] as? String
        #expect(text == "Hello from fake-anthropic. You said: café 🙂")
    }
}
