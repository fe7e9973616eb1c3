import ChatCore
import Foundation
import Synchronization

/// `palaver --demo`: a `fake-anthropic` started beside the palaver binary on a free loopback
/// port, with a throwaway key, stopped when palaver ends. The running process sits behind a
/// `Mutex`: whichever thread stops it first takes it, so it is stopped once.
public final class DemoServer: Sendable {
    public let baseURL: String
    /// The throwaway key the fake accepts (not a real key; it never leaves this machine).
    public let key: String
    private let running: Mutex<Process?>

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The running executable (palaver itself), links followed.
    public static func ownExecutablePath() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// Where `fake-anthropic` should be: next to the running executable.
    public static func executablePath() -> String {
        (ownExecutablePath() as NSString).deletingLastPathComponent + "/fake-anthropic"
    }

    /// Starts the fake and waits (up to `timeout` seconds) for the line that gives its port.
    public init(executable: String = DemoServer.executablePath(), timeout: TimeInterval = 15) throws(Failure) {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw Failure(
                description:
                    "demo mode needs fake-anthropic beside palaver, but \(executable) is missing (build it with `swift build`)."
            )
        }
        var bytes = [UInt8](repeating: 0, count: 24)
        for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255) }
        key = "sk-ant-api03-demo-" + bytes.map { String(format: "%02x", $0) }.joined()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        // Slow enough to watch the reply stream in.
        process.arguments = ["--port", "0", "--delay-ms", "12", "--chunk-chars", "3", "--exit-with-parent"]
        var environment = ProcessInfo.processInfo.environment
        environment["FAKE_ANTHROPIC_KEYS"] = key
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw Failure(description: "could not start \(executable): \(error.localizedDescription)")
        }
        let reader = output.fileHandleForReading
        var text = ""
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(timeout)
        var found: String?
        while found == nil && clock.now < deadline && process.isRunning {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
            if let range = text.range(of: "listening on "), let end = text[range.upperBound...].firstIndex(of: "\n") {
                found = String(text[range.upperBound..<end])
            }
        }
        guard let url = found else {
            if process.isRunning { process.terminate() }
            throw Failure(description: "fake-anthropic did not start (it printed: \(text.isEmpty ? "nothing" : text)).")
        }
        baseURL = url
        running = Mutex(process)
    }

    /// Stops the fake.
    public func stop() {
        guard let process = running.withLock({ $0.take() }), process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    deinit { stop() }
}
