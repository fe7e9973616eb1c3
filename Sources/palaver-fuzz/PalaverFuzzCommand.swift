import Foundation
import PalaverFuzz

/// Prints a line to standard output at once (a supervisor reads it even if this process crashes later).
func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

/// Prints a usage error and exits.
func fail(_ text: String, status: Int32 = 2) -> Never {
    FileHandle.standardError.write(Data("palaver-fuzz: \(text)\n".utf8))
    exit(status)
}

/// The whole number given for option `name` (`_` separators allowed), or `value` when it is absent.
func number(_ options: [String: String], _ name: String, default value: Int) -> Int {
    guard let text = options[name] else { return value }
    guard let n = Int(text.replacingOccurrences(of: "_", with: "")), n >= 0 else {
        fail("\(name) must be a whole number ≥ 0")
    }
    return n
}

/// Keeps an input that broke an invariant (at most `limit` per run), with a note saying why.
func keepFailure(
    _ finding: FuzzFinding, target: String, seed: UInt64, crashDirectory: String, kept: inout Int, limit: Int = 10
) {
    say("FAILURE \(finding.index) \(finding.message.prefix(300).replacingOccurrences(of: "\n", with: "\\n"))")
    guard kept < limit else { return }
    kept += 1
    let directory = crashDirectory + "/" + target
    try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let base = directory + "/failure-s\(seed)-c\(finding.index)"
    _ = FileManager.default.createFile(atPath: base + ".bin", contents: Data(finding.input))
    let note =
        "palaver-fuzz \(target): case \(finding.index) of seed \(seed) broke an invariant:\n\(finding.message)\n"
        + "Replay: swift run palaver-fuzz replay \(base).bin\n"
    _ = FileManager.default.createFile(atPath: base + ".txt", contents: Data(note.utf8))
}

/// The command line after the command word: options with a value, flags and plain arguments (files).
struct FuzzArguments {
    var options: [String: String] = [:]
    var flags: Set<String> = []
    var files: [String] = []

    /// Reads `arguments`; an unknown option or one without its value ends the process with `usage`.
    init(_ arguments: [String], usage: String) {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            switch argument {
            case "--child", "--in-process":
                flags.insert(argument)
            case "--cases", "--seed", "--start", "--record", "--corpus", "--crash-dir", "--case", "--max-crashes",
                "--save":
                guard index + 1 < arguments.count else { fail("\(argument) needs a value\n\(usage)") }
                options[argument] = arguments[index + 1]
                index += 1
            default:
                if argument.hasPrefix("--") { fail("unknown option \(argument)\n\(usage)") }
                files.append(argument)
            }
            index += 1
        }
    }
}

/// palaver-fuzz: runs the fuzz targets of palaver's parsers of untrusted input.
///
///     palaver-fuzz list
///     palaver-fuzz TARGET|all [--cases N] [--seed S] [--crash-dir DIR] [--corpus DIR] [--max-crashes N] [--in-process]
///     palaver-fuzz TARGET --case K [--seed S] [--save FILE]   run one case again (--save keeps its input)
///     palaver-fuzz replay FILE...                  check kept inputs (target = the file's folder)
@main
struct PalaverFuzzCommand {
    static var usage: String {
        """
        usage: palaver-fuzz list
               palaver-fuzz TARGET|all [--cases N] [--seed S] [--crash-dir DIR] [--corpus DIR] [--max-crashes N] [--in-process]
               palaver-fuzz TARGET --case K [--seed S] [--save FILE]
               palaver-fuzz replay FILE...
        targets: \(FuzzCatalog.names.joined(separator: ", "))
        """
    }

    let options: [String: String]
    let flags: Set<String>
    let cases: Int
    let seed: UInt64
    let corpus: String
    let crashDirectory: String

    static func main() {
        let usage = Self.usage
        var arguments = Array(CommandLine.arguments.dropFirst())
        guard let command = arguments.first else { fail(usage) }
        arguments.removeFirst()
        let parsed = FuzzArguments(arguments, usage: usage)
        let run = PalaverFuzzCommand(
            options: parsed.options,
            flags: parsed.flags,
            cases: number(parsed.options, "--cases", default: 10_000),
            seed: UInt64(number(parsed.options, "--seed", default: 1)),
            corpus: parsed.options["--corpus"] ?? FuzzPaths.corpus,
            crashDirectory: parsed.options["--crash-dir"] ?? FuzzPaths.crashes
        )

        switch command {
        case "list":
            for entry in FuzzCatalog.entries {
                say("\(entry.name.padding(toLength: 14, withPad: " ", startingAt: 0)) \(entry.summary)")
            }
        case "replay":
            replay(parsed.files)
        default:
            let names = command == "all" ? FuzzCatalog.names : [command]
            for name in names where FuzzCatalog.entry(named: name) == nil { fail("no target \(name)\n\(usage)") }
            if let caseText = parsed.options["--case"] { run.runCase(caseText, target: names[0]) }
            if parsed.flags.contains("--child") || parsed.flags.contains("--in-process") { run.runInProcess(names) }
            run.supervise(names)
        }
    }

    /// `replay FILE...`: checks each kept input against the target its folder names.
    static func replay(_ files: [String]) -> Never {
        guard !files.isEmpty else { fail("replay needs the files to check") }
        var broken = 0
        for file in files {
            let target = ((file as NSString).deletingLastPathComponent as NSString).lastPathComponent
            guard let entry = FuzzCatalog.entry(named: target) else {
                fail("\(file): its folder \(target) names no target")
            }
            guard let data = FileManager.default.contents(atPath: file) else { fail("\(file): cannot be read") }
            let (fileSeed, fileCase) = FuzzPaths.seedAndCase(inName: file) ?? (0, 0)
            do {
                var campaign = try FuzzCampaign(entry: entry, seed: fileSeed, corpusDirectory: nil)
                try campaign.check([UInt8](data), asCase: Int(fileCase))
                say("ok \(file)")
            } catch let failure as FuzzFailure {
                broken += 1
                say("FAILED \(file): \(failure.message)")
            } catch {
                fail("\(target): \(error)")
            }
        }
        exit(broken == 0 ? 0 : 1)
    }

    /// `TARGET --case K`: runs one case again (`--save FILE` keeps its input).
    func runCase(_ caseText: String, target: String) -> Never {
        guard let caseIndex = Int(caseText), let entry = FuzzCatalog.entry(named: target) else {
            fail("--case needs one target and a number")
        }
        do {
            var campaign = try FuzzCampaign(entry: entry, seed: seed, corpusDirectory: corpus)
            let input = campaign.input(ofCase: caseIndex)
            say("case \(caseIndex): \(input.count) bytes")
            if let save = options["--save"] { _ = FileManager.default.createFile(atPath: save, contents: Data(input)) }
            try campaign.check(input, asCase: caseIndex)
            say("ok")
        } catch {
            fail("case \(caseIndex): \(error)", status: 1)
        }
        exit(0)
    }

    /// `--in-process` (or `--child`, run by the supervisor): runs the targets here; a crash ends this
    /// process (the supervisor, if any, keeps the recorded input).
    func runInProcess(_ names: [String]) -> Never {
        let isChild = flags.contains("--child")
        var total = FuzzSummary()
        for name in names {
            let summary = runTargetInProcess(name)
            if !isChild {
                say(
                    "\(name): \(summary.cases) cases in \(String(format: "%.1f", summary.seconds)) s, \(summary.failures) invariant failures"
                        + (summary.slowest.map {
                            ", slowest case \($0.index) (\(String(format: "%.3f", $0.seconds)) s)"
                        } ?? ""))
            }
            total.cases += summary.cases
            total.failures += summary.failures
        }
        say("RESULT cases=\(total.cases) failures=\(total.failures)")
        // A child always exits 0 after its result: any other end is a crash to the supervisor.
        exit(total.failures == 0 || isChild ? 0 : 1)
    }

    /// One target's campaign in this process, its failing inputs kept.
    private func runTargetInProcess(_ name: String) -> FuzzSummary {
        let entry = FuzzCatalog.entry(named: name)!
        var kept = 0
        do {
            var campaign = try FuzzCampaign(entry: entry, seed: seed, corpusDirectory: corpus)
            return campaign.run(
                cases: cases, from: number(options, "--start", default: 0), recordPath: options["--record"]
            ) {
                keepFailure($0, target: name, seed: seed, crashDirectory: crashDirectory, kept: &kept)
            }
        } catch {
            fail("\(name): \(error)")
        }
    }

    /// The default: each target in child processes of this same binary, crashes kept.
    func supervise(_ names: [String]) -> Never {
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var supervisor = FuzzSupervisor(
            executable: executable, seed: seed, cases: cases, corpusDirectory: corpus, crashDirectory: crashDirectory)
        supervisor.maxCrashes = max(1, number(options, "--max-crashes", default: 10))
        say("palaver-fuzz: seed \(seed), \(cases) cases per target; inputs that fail are kept under \(crashDirectory)")
        var bad = false
        for name in names {
            do {
                let report = try supervisor.run(target: name) { say($0) }
                let rate = report.seconds > 0 ? Double(report.cases) / report.seconds : 0
                say(
                    "\(name): \(report.cases) cases, \(String(format: "%.1f", report.seconds)) s (\(Int(rate))/s), "
                        + "\(report.crashes.count) crashes, \(report.failures) invariant failures"
                        + (report.skipped > 0 ? ", \(report.skipped) not run" : ""))
                if !report.crashes.isEmpty || report.failures > 0 { bad = true }
            } catch {
                say("\(name): \(error)")
                bad = true
            }
        }
        exit(bad ? 1 : 0)
    }
}
