import Foundation
import TestSupport

/// Runs the built `palaver-fuzz` binary, so a crash in a parser ends that process and not the
/// test run.
struct FuzzProcess {
    struct Result {
        var status: Int32
        var crashed: Bool
        var output: String
    }

    /// The built `palaver-fuzz` beside the test bundle (or in the package's debug build folder).
    static var executable: String { BuiltProducts.path("palaver-fuzz") }

    /// Runs `palaver-fuzz arguments…`, collecting standard output and error in one text.
    static func run(_ arguments: [String]) throws -> Result {
        try TemporaryDirectory.with(prefix: "palaver-fuzz-test") { scratch in
            let log = scratch.url("output.log")
            FileManager.default.createFile(atPath: log.path, contents: nil)
            let handle = try FileHandle(forWritingTo: log)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            var environment = ProcessInfo.processInfo.environment
            environment["SWIFT_BACKTRACE"] = "enable=yes,interactive=no,color=no"
            process.environment = environment
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
            process.waitUntilExit()
            try handle.close()
            let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            return Result(
                status: process.terminationStatus, crashed: process.terminationReason == .uncaughtSignal, output: output
            )
        }
    }
}
