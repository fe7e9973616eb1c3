import Foundation
import Synchronization
import TestSupport
import Testing

/// Runs the built `fake-anthropic` binary (it sits next to the test bundle in .build/<config>/).
@Suite("fake-anthropic executable")
struct ExecutableTests {
    static var binary: URL? {
        let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [dir, dir.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("fake-anthropic")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return nil
    }

    /// Reads one line from a pipe on a separate thread.
    static func readLine(_ handle: FileHandle, timeout: Double) async -> String? {
        await withCheckedContinuation { (c: CheckedContinuation<String?, Never>) in
            let box = OnceBox(c)
            Thread {
                var bytes = Data()
                while true {
                    let chunk = handle.readData(ofLength: 1)
                    if chunk.isEmpty { break }
                    if chunk == Data("\n".utf8) { break }
                    bytes.append(chunk)
                }
                box.resume(String(decoding: bytes, as: UTF8.self))
            }.start()
            Thread {
                Thread.sleep(forTimeInterval: timeout)
                box.resume(nil)
            }.start()
        }
    }

    /// A `fake-anthropic` process that has printed the port it listens on.
    struct Running {
        let process: Process
        let port: Int

        func stop() {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// Starts the binary with `arguments` (and `environment` over this process's) and waits up to
    /// 10 s for its "listening on" line; the process is stopped again if that line does not come.
    static func start(_ arguments: [String], environment: [String: String] = [:]) async throws -> Running {
        let process = Process()
        process.executableURL = try #require(binary)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        try process.run()
        let line = await readLine(out.fileHandleForReading, timeout: 10)
        guard let line, let port = Int(line.split(separator: ":").last ?? "") else {
            Running(process: process, port: 0).stop()
            throw NoPort(line: line)
        }
        return Running(process: process, port: port)
    }

    struct NoPort: Error {
        let line: String?
    }

    @Test(.enabled(if: binary != nil, "fake-anthropic binary not built"))
    func runsPrintsPortAndStopsOnSIGTERM() async throws {
        let key = FakeServerHarness.randomKey()
        let envKey = FakeServerHarness.randomKey()
        let process = Process()
        let binary = try #require(Self.binary)
        process.executableURL = binary
        process.arguments = [
            "--port", "0", "--key", key, "--prefix", "/anthropic", "--reply-text", "fixed reply", "--chunk-chars", "4",
        ]
        var env = ProcessInfo.processInfo.environment
        env["FAKE_ANTHROPIC_KEYS"] = " \(envKey) ,"
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()

        let line = await Self.readLine(out.fileHandleForReading, timeout: 10)
        let first = try #require(line)
        #expect(first.hasPrefix("fake-anthropic listening on http://127.0.0.1:"))
        let port = try #require(Int(first.split(separator: ":").last ?? ""))
        #expect(port > 0)

        for k in [key, envKey] {
            let r = try await RawHTTPClient.api(
                port: port, path: "/anthropic/v1/messages", key: k, json: messagesJSON(stream: true))
            #expect(r.status == 200)
            #expect(textDeltas(parseSSE(r.text)) == ["fixe", "d re", "ply"])
        }
        let health = try await ControlClient.send(
            baseURL: "http://127.0.0.1:\(port)", method: "GET", path: "/_control/health")
        #expect(health.status == 200)

        let clock = ContinuousClock()
        let started = clock.now
        process.terminate() // SIGTERM
        process.waitUntilExit()
        #expect(started.duration(to: clock.now) < .seconds(10))
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)

        let rest = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        let all = String(decoding: rest + stderr, as: UTF8.self) + first
        #expect(!all.contains(key) && !all.contains(envKey), "a full key was printed")
        #expect(String(decoding: rest, as: UTF8.self).isEmpty, "exactly one line on stdout")
    }

    @Test(.enabled(if: binary != nil, "fake-anthropic binary not built"))
    func refusesNonLoopbackHost() throws {
        let process = Process()
        let binary = try #require(Self.binary)
        process.executableURL = binary
        process.arguments = ["--host", "0.0.0.0", "--port", "0"]
        process.standardOutput = Pipe()
        let err = Pipe()
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus != 0)
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(text.contains("--allow-remote"))
    }
}

final class OnceBox: Sendable {
    private let continuation: Mutex<CheckedContinuation<String?, Never>?>
    init(_ c: CheckedContinuation<String?, Never>) { continuation = Mutex(c) }
    func resume(_ value: String?) {
        let c = continuation.withLock { c in
            defer { c = nil }
            return c
        }
        c?.resume(returning: value)
    }
}
