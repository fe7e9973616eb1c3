import Foundation

/// Runs a campaign in child processes so a crash cannot lose its input: each child records the
/// case it is about to run; when a child dies, the supervisor keeps that input (and the child's
/// stack trace) under the crash folder and starts a new child at the next case.
public struct FuzzSupervisor {
    /// The `palaver-fuzz` binary to run as the child.
    public var executable: String
    public var seed: UInt64
    public var cases: Int
    public var corpusDirectory: String
    /// Inputs are kept in `<crashDirectory>/<target>/`.
    public var crashDirectory: String
    /// A target stops after this many crashes (each restarts the child).
    public var maxCrashes = 10

    public init(executable: String, seed: UInt64, cases: Int, corpusDirectory: String, crashDirectory: String) {
        self.executable = executable
        self.seed = seed
        self.cases = cases
        self.corpusDirectory = corpusDirectory
        self.crashDirectory = crashDirectory
    }

    /// What happened to one target.
    public struct Report: Sendable {
        public var target: String
        public var cases = 0
        public var seconds = 0.0
        /// Invariant failures reported by the children.
        public var failures = 0
        /// Crash inputs kept, as paths.
        public var crashes: [String] = []
        /// Cases not run because the crash limit was reached.
        public var skipped = 0
    }

    public func run(target: String, log: (String) -> Void) throws -> Report {
        var report = Report(target: target)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("palaver-fuzz-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let recordPath = scratch + "/current"
        let stderrPath = scratch + "/stderr"
        let stdoutPath = scratch + "/stdout"
        let clock = ContinuousClock()
        let began = clock.now
        var start = 0
        while start < cases {
            FileManager.default.createFile(atPath: stderrPath, contents: nil)
            FileManager.default.createFile(atPath: stdoutPath, contents: nil)
            try? FileManager.default.removeItem(atPath: recordPath)
            let child = Process()
            child.executableURL = URL(fileURLWithPath: executable)
            child.arguments = [
                target, "--child", "--cases", String(cases - start), "--start", String(start),
                "--seed", String(seed), "--record", recordPath, "--corpus", corpusDirectory,
                "--crash-dir", crashDirectory,
            ]
            var environment = ProcessInfo.processInfo.environment
            environment["SWIFT_BACKTRACE"] = "enable=yes,interactive=no,color=no"
            child.environment = environment
            child.standardOutput = FileHandle(forWritingAtPath: stdoutPath)
            child.standardError = FileHandle(forWritingAtPath: stderrPath)
            try child.run()
            child.waitUntilExit()
            let output = (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? ""
            if child.terminationReason == .exit, child.terminationStatus == 0,
                let result = output.split(separator: "\n").last(where: { $0.hasPrefix("RESULT ") })
            {
                let fields = Dictionary(
                    result.dropFirst(7).split(separator: " ").compactMap { pair -> (String, Int)? in
                        let parts = pair.split(separator: "=")
                        guard parts.count == 2, let n = Int(parts[1]) else { return nil }
                        return (String(parts[0]), n)
                    }, uniquingKeysWith: { $1 })
                report.cases += fields["cases"] ?? 0
                report.failures += fields["failures"] ?? 0
                break
            }
            // The child died: keep the case it was running.
            let trace = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
            let how =
                child.terminationReason == .uncaughtSignal
                ? "signal \(child.terminationStatus)" : "exit status \(child.terminationStatus)"
            guard let (index, input) = FuzzCampaign.readRecord(recordPath), index >= start else {
                log("\(target): the child ended (\(how)) before running a case:\n\(trace.suffix(4_000))")
                throw FuzzSupervisorError(message: "\(target): the fuzz child failed without running a case (\(how))")
            }
            report.failures += output.split(separator: "\n").filter { $0.hasPrefix("FAILURE ") }.count
            report.cases += index - start + 1
            let directory = crashDirectory + "/" + target
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let base = directory + "/crash-s\(seed)-c\(index)"
            FileManager.default.createFile(atPath: base + ".bin", contents: Data(input))
            let note =
                "palaver-fuzz \(target): case \(index) of seed \(seed) crashed the child (\(how)).\n"
                + "Replay: swift run palaver-fuzz replay \(base).bin\n\n" + trace
            FileManager.default.createFile(atPath: base + ".txt", contents: Data(note.utf8))
            report.crashes.append(base + ".bin")
            log("\(target): CRASH at case \(index) (\(how)), input kept as \(base).bin (\(input.count) bytes)")
            if report.crashes.count >= maxCrashes {
                report.skipped = cases - index - 1
                log("\(target): \(maxCrashes) crashes, stopping (\(report.skipped) cases not run)")
                break
            }
            start = index + 1
        }
        let elapsed = clock.now - began
        report.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return report
    }
}

/// The supervisor could not run a child at all.
public struct FuzzSupervisorError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
