import FakeAnthropic
import Foundation
import Synchronization
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Runs the built `palaver` binary as a subprocess with a private HOME and XDG directories.
struct PalaverProcess {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The folder holding the built executables (beside the test bundle).
    static var binDirectory: URL { BuiltProducts.directory }

    /// palaver's private HOME (removed by ``cleanUp()``, or when the last copy goes away).
    private let directory: TemporaryDirectory
    var home: URL { directory.url }
    var environment: [String: String]

    init(baseURL: String?, key: String?) throws {
        directory = try TemporaryDirectory(prefix: "palaver-cli")
        let home = directory.url
        environment = [
            "HOME": home.path,
            "PATH": "/usr/bin:/bin",
            "XDG_CONFIG_HOME": home.appendingPathComponent("config").path,
            "XDG_STATE_HOME": home.appendingPathComponent("state").path,
            "XDG_DATA_HOME": home.appendingPathComponent("data").path,
            "LANG": "C.UTF-8",
        ]
        if let baseURL { environment["ANTHROPIC_BASE_URL"] = baseURL }
        if let key { environment["ANTHROPIC_API_KEY"] = key }
    }

    /// The regular files under `root`, but the credentials file, that hold `secret`, and how
    /// many were read (an unreadable file is an error, not a pass).
    static func filesHolding(_ secret: String, under root: String) throws -> (holding: [String], scanned: Int) {
        var holding: [String] = []
        var scanned = 0
        let enumerator = FileManager.default.enumerator(atPath: root)
        while let relative = enumerator?.nextObject() as? String {
            let path = root + "/" + relative
            let type = try FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType
            guard type == .typeRegular, !relative.hasSuffix("credentials.toml") else { continue }
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            if bytes.range(of: Data(secret.utf8)) != nil { holding.append(relative) }
            scanned += 1
        }
        return (holding, scanned)
    }

    func cleanUp() {
        try? FileManager.default.removeItem(at: home)
    }

    func writeConfig(_ text: String) throws {
        let dir = home.appendingPathComponent("config/palaver")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try text.write(to: dir.appendingPathComponent("config.toml"), atomically: true, encoding: .utf8)
    }

    /// Starts palaver; the caller may signal it, then `wait()`.
    func start(_ arguments: [String], stdin: String? = nil) throws -> Running {
        let process = Process()
        process.executableURL = Self.binDirectory.appendingPathComponent("palaver")
        process.arguments = arguments
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        let running = Running(process: process, out: out, err: err)
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        return running
    }

    func run(_ arguments: [String], stdin: String? = nil) async throws -> Result {
        try await start(arguments, stdin: stdin).wait()
    }

    /// A running palaver whose output is collected as it arrives.
    final class Running: Sendable {
        let process: Process
        /// Standard output and standard error so far.
        private let collected = Mutex<(out: Data, err: Data)>((Data(), Data()))
        private let outDone = DispatchSemaphore(value: 0)
        private let errDone = DispatchSemaphore(value: 0)

        init(process: Process, out: Pipe, err: Pipe) {
            self.process = process
            Self.collect(out.fileHandleForReading, done: outDone) { [unowned self] d in
                collected.withLock { $0.out.append(d) }
            }
            Self.collect(err.fileHandleForReading, done: errDone) { [unowned self] d in
                collected.withLock { $0.err.append(d) }
            }
        }

        private static func collect(
            _ handle: FileHandle, done: DispatchSemaphore, _ append: @escaping @Sendable (Data) -> Void
        ) {
            Thread {
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    append(chunk)
                }
                done.signal()
            }.start()
        }

        var stdoutSoFar: String { collected.withLock { String(decoding: $0.out, as: UTF8.self) } }

        func signal(_ sig: Int32) { kill(process.processIdentifier, sig) }

        func wait(timeout: Duration = .seconds(60)) async throws -> Result {
            let clock = ContinuousClock()
            let deadline = clock.now + timeout
            while process.isRunning {
                if clock.now > deadline {
                    process.terminate()
                    throw TimedOut()
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            outDone.wait()
            errDone.wait()
            let (out, err) = collected.withLock { ($0.out, $0.err) }
            return Result(
                status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                stderr: String(decoding: err, as: UTF8.self))
        }

        struct TimedOut: Error {}
    }
}

/// Runs `body` with a fake server (changed by `configure`) and a palaver pointed at it with `key`
/// in `ANTHROPIC_API_KEY` (unset when nil); palaver's home is removed afterwards.
func withPalaver(
    key: String?, configure: (inout FakeConfiguration) -> Void = { _ in },
    _ body: (FakeServerHarness, PalaverProcess) async throws -> Void
) async throws {
    try await FakeServerHarness.with(configure: configure) { fake in
        let palaver = try PalaverProcess(baseURL: fake.baseURL, key: key)
        defer { palaver.cleanUp() }
        try await body(fake, palaver)
    }
}
