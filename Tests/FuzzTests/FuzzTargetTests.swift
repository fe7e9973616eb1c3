import Foundation
import TestSupport
import Testing

@testable import PalaverFuzz

@Suite("Fuzz targets")
struct FuzzTargetTests {
    /// Cases per target in `swift test`: a few thousand in all, seconds in a debug build (the
    /// Markdown renderer is the slow one). `make fuzz` runs 1,000,000 per target.
    static let shortRun: [String: Int] = [
        "sse": 800, "json": 3_000, "headers": 2_000, "keydiagnosis": 3_000, "theme": 1_500, "config": 3_000,
        "input": 1_000, "markdown": 250, "import": 1_500, "credentials": 3_000,
    ]

    @Test("every parser of untrusted input has a target, each listed once")
    func catalog() {
        #expect(Set(FuzzCatalog.names).count == FuzzCatalog.entries.count)
        #expect(Set(FuzzCatalog.names) == Set(Self.shortRun.keys))
        #expect(!FuzzCatalog.names.contains("selftest"))
    }

    @Test("a short run of each target: no crash, every invariant holds", arguments: FuzzCatalog.names)
    func shortRun(target: String) throws {
        let crashes = try TemporaryDirectory(prefix: "palaver-fuzz-test")
        let cases = Self.shortRun[target] ?? 1_000
        let result = try FuzzProcess.run([
            target, "--cases", String(cases), "--seed", "20261201", "--crash-dir", crashes.path,
        ])
        let notes = FuzzPaths.inputFiles(in: crashes.path(target)).compactMap {
            try? String(contentsOfFile: ($0 as NSString).deletingPathExtension + ".txt", encoding: .utf8)
        }
        #expect(
            result.status == 0 && !result.crashed,
            "palaver-fuzz \(target) found problems:\n\(result.output.suffix(3_000))\n\(notes.joined(separator: "\n").prefix(6_000))"
        )
        #expect(result.output.contains("\(target): \(cases) cases"), "\(result.output.suffix(2_000))")
    }

    @Test("a case is the same input every time, and a different seed gives other inputs")
    func determinism() throws {
        let entry = try #require(FuzzCatalog.entry(named: "json"))
        let a = try FuzzCampaign(entry: entry, seed: 7, corpusDirectory: nil)
        let b = try FuzzCampaign(entry: entry, seed: 7, corpusDirectory: nil)
        let c = try FuzzCampaign(entry: entry, seed: 8, corpusDirectory: nil)
        let first = (0..<50).map { a.input(ofCase: $0) }
        #expect(first == (0..<50).map { b.input(ofCase: $0) })
        #expect(first != (0..<50).map { c.input(ofCase: $0) })
        #expect(a.input(ofCase: 31) == first[31])
    }

    @Test("mutations stay within the length limit unless they nest deeply")
    func mutationLength() {
        var random = FuzzRandom(seed: 3)
        let mutator = FuzzMutator()
        var sawDeep = false
        for _ in 0..<3_000 {
            let out = mutator.mutate(
                Array("{\"a\":[1,2]}".utf8), corpus: [Array("[x]".utf8)], dictionary: [], nesting: [Array("[".utf8)],
                maxLength: 64, random: &random)
            if out.count > 64 {
                #expect(out.count >= 1_000, "a long input that is not a deep nesting")
                sawDeep = true
            }
        }
        #expect(sawDeep)
    }

    @Test("the record file gives back the case and its input")
    func record() throws {
        let directory = try TemporaryDirectory(prefix: "palaver-fuzz-test")
        let entry = try #require(FuzzCatalog.entry(named: "keydiagnosis"))
        var campaign = try FuzzCampaign(entry: entry, seed: 1, corpusDirectory: nil)
        var failures: [FuzzFinding] = []
        let summary = campaign.run(cases: 40, from: 5, recordPath: directory.path("current")) { failures.append($0) }
        #expect(summary.cases == 40)
        let record = try #require(FuzzCampaign.readRecord(directory.path("current")))
        #expect(record.index == 44)
        #expect(record.input == campaign.input(ofCase: 44))
        #expect(FuzzPaths.seedAndCase(inName: "/x/crash-s12-c345.bin").map { [$0.seed, $0.index] } == [12, 345])
    }

    @Test("the supervisor keeps the input of a case that crashes and carries on after it")
    func supervisorKeepsCrash() throws {
        let crashes = try TemporaryDirectory(prefix: "palaver-fuzz-test")
        let result = try FuzzProcess.run([
            "selftest", "--cases", "60", "--seed", "5", "--crash-dir", crashes.path, "--max-crashes", "100",
        ])
        #expect(result.status == 1)
        let kept = FuzzPaths.inputFiles(in: crashes.path("selftest"))
        let crashed = kept.filter { ($0 as NSString).lastPathComponent.hasPrefix("crash-") }
        let failed = kept.filter { ($0 as NSString).lastPathComponent.hasPrefix("failure-") }
        #expect(!crashed.isEmpty && !failed.isEmpty, "\(result.output)")
        for path in crashed {
            #expect(FileManager.default.contents(atPath: path) == Data("boom".utf8))
            let note = try String(contentsOfFile: (path as NSString).deletingPathExtension + ".txt", encoding: .utf8)
            #expect(note.contains("crashed the child"))
        }
        #expect(result.output.contains("selftest: 60 cases"), "\(result.output)")
        // Replaying a kept input runs it again, in its own process.
        let replay = try FuzzProcess.run(["replay", crashed[0]])
        #expect(replay.crashed)
    }
}
