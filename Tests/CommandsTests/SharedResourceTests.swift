import AnthropicAPI
import Foundation
import TestSupport
import Testing

@testable import Commands

/// The process-wide things commands share across threads: the log file and the demo server.
@Suite struct SharedResourceTests {
    @Test func theLogFileTakesWholeLinesFromManyThreadsAndIsPrivate() throws {
        try TemporaryDirectory.with(prefix: "palaver-log") { temp in
            let file = LogFile(path: temp.path("state/palaver.log"))
            let threads = 8
            let lines = 200
            DispatchQueue.concurrentPerform(iterations: threads) { thread in
                for line in 0..<lines {
                    file.append("thread \(thread) line \(line) " + String(repeating: "x", count: 300) + "\n")
                }
            }
            let text = try String(contentsOfFile: file.path, encoding: .utf8)
            let written = text.split(separator: "\n")
            #expect(written.count == threads * lines)
            #expect(written.allSatisfy { $0.hasPrefix("thread ") && $0.hasSuffix(String(repeating: "x", count: 300)) })
            for thread in 0..<threads {
                #expect(written.filter { $0.hasPrefix("thread \(thread) ") }.count == lines)
            }
            let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
        }
    }

    @Test func theDemoServerStartsTheFakeAndStopsItOnceFromAnyThread() async throws {
        let server = try DemoServer(executable: BuiltProducts.path("fake-anthropic"))
        #expect(server.key.hasPrefix("sk-ant-api03-demo-"))
        var configuration = ClientConfiguration(baseURL: server.baseURL, credential: Credential(secret: server.key))
        configuration.retryPolicy.maxRetries = 0
        let client = AnthropicClient(configuration: configuration)
        let models = try await client.listModels(limit: 1)
        #expect(!models.models.isEmpty)
        DispatchQueue.concurrentPerform(iterations: 4) { _ in server.stop() }
        server.stop()
        await #expect(throws: APIError.self) { _ = try await client.listModels(limit: 1) }
    }

    @Test func theDemoServerSaysWhenTheFakeIsMissing() {
        #expect(throws: DemoServer.Failure.self) { try DemoServer(executable: "/nonexistent/fake-anthropic") }
    }
}
