import Foundation
import Testing

@testable import PalaverFuzz

/// Every input a fuzz run kept under `Tests/Fuzz/Crashes/<target>/` is checked again, each in
/// its own `palaver-fuzz replay` process: a crash or a broken invariant there fails the test with
/// the stack trace, whatever module the bug is in.
@Suite("Fuzz crash replay")
struct FuzzCrashReplayTests {
    static var keptInputs: [String] {
        let root = FuzzPaths.crashes
        let targets = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).sorted()
        return targets.flatMap { FuzzPaths.inputFiles(in: root + "/" + $0) }
    }

    @Test("kept inputs exist for the crashes fixed so far")
    func seedsExist() {
        let names = Self.keptInputs.map { (($0 as NSString).deletingLastPathComponent as NSString).lastPathComponent }
        #expect(names.contains("theme"))
        #expect(names.contains("config"))
        #expect(names.contains("input"))
    }

    @Test("a kept input no longer crashes or breaks an invariant", arguments: keptInputs)
    func replay(path: String) throws {
        let result = try FuzzProcess.run(["replay", path])
        let relative = path.replacingOccurrences(of: FuzzPaths.packageRoot + "/", with: "")
        #expect(
            result.status == 0 && !result.crashed,
            "\(relative) still fails (\(result.crashed ? "crash, signal \(result.status)" : "exit \(result.status)")):\n\(result.output.prefix(6_000))"
        )
    }
}
