import ArgumentParser
import ChatCore
import Commands
import Foundation
import Safety

#if canImport(Glibc)
    import Glibc
#endif

/// `palaver doctor`: explains what is wrong with the key and how to fix it.
struct Doctor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explain the key setup: every source, the effective key, the base URL, and a live check.",
        discussion:
            "Exit codes follow `palaver ask` (0 all good, 3 no usable key, 4 rejected, 5 permission or credit, 6 rate-limited, 7 network)."
    )

    @Flag(name: .long, help: "Print the report as JSON.")
    var json = false

    @Flag(name: .long, help: "Skip the live check with the API.")
    var noVerify = false

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let runner = DoctorRunner(context: commandContext(connection.overrides), verify: !noVerify, json: json)
        let status = await runCancellableOnInterrupt { await runner.run() }
        throw ExitCode(status.rawValue)
    }
}

/// `palaver key …`: manage the saved key.
struct Key: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Save, check or remove the API key, and manage named key profiles.",
        subcommands: [Set.self, Status.self, Verify.self, Forget.self, List.self, Use.self])

    struct Options: ParsableArguments {
        @OptionGroup var connection: ConnectionOptions

        func runner() -> KeyCommandRunner {
            KeyCommandRunner(context: commandContext(connection.overrides))
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Save a key to the credentials file (read from standard input or a hidden prompt, never from arguments)."
        )

        @Flag(name: .long, help: "Save without checking the key with the API first.")
        var noVerify = false

        @Option(
            name: .long,
            help: "Save it as this named profile (1-32 letters, digits, - or _) instead of the default key.")
        var name: String?

        @Option(
            name: .long,
            help: "The profile to try when this key is rejected or out of credit (\"default\": the default key).")
        var fallback: String?

        @OptionGroup var options: Options

        func validate() throws {
            if let name, let problem = ClientSetup.keyProfileProblem(name) {
                throw ValidationError("--name: \(problem)")
            }
            if let fallback, fallback != "default", let problem = ClientSetup.keyProfileProblem(fallback) {
                throw ValidationError("--fallback: \(problem)")
            }
            if fallback == "default" && name == nil {
                throw ValidationError("--fallback default needs --name: the default key cannot be its own fallback.")
            }
        }

        func run() async throws {
            let secret: String
            if isatty(STDIN_FILENO) == 1 {
                guard let typed = readHidden(prompt: "Paste your Anthropic API key (input hidden): ") else {
                    throw ExitCode(PalaverExitCode.usage.rawValue)
                }
                secret = typed
            } else {
                secret = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            }
            Redactor.shared.register(secret) // from here on, no output path can show it
            let runner = options.runner()
            let status = await runCancellableOnInterrupt {
                await runner.set(secret: secret, verify: !noVerify, profile: name, fallback: fallback)
            }
            throw ExitCode(status.rawValue)
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the effective key (masked), its source and health.")
        @OptionGroup var options: Options
        func run() throws { throw ExitCode(options.runner().status().rawValue) }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the effective key with the API (no tokens spent).")
        @OptionGroup var options: Options
        func run() async throws {
            let runner = options.runner()
            let status = await runCancellableOnInterrupt { await runner.verify() }
            throw ExitCode(status.rawValue)
        }
    }

    struct Forget: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove the saved default key (the profiles stay), or the profile --name.")
        @Option(name: .long, help: "Remove this profile instead of the default key.")
        var name: String?
        func run() throws {
            let runner = KeyCommandRunner(context: commandContext())
            throw ExitCode(runner.forget(profile: name).rawValue)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the saved keys: the default key and every profile (masked), the active one, fallbacks.")
        func run() throws {
            throw ExitCode(KeyCommandRunner(context: commandContext()).list().rawValue)
        }
    }

    struct Use: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a saved profile the key palaver uses (\"default\": the default key).")
        @Argument(help: "A profile name from `palaver key list`, or \"default\".")
        var name: String
        func run() throws {
            throw ExitCode(KeyCommandRunner(context: commandContext()).use(name).rawValue)
        }
    }
}

/// Reads a line from the terminal with echo off; `nil` on end of input.
func readHidden(prompt: String) -> String? {
    FileHandle.standardError.write(Data(prompt.utf8))
    var saved = termios()
    let haveTerminal = tcgetattr(STDIN_FILENO, &saved) == 0
    if haveTerminal {
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet)
    }
    defer {
        if haveTerminal { tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved) }
        FileHandle.standardError.write(Data("\n".utf8))
    }
    return readLine(strippingNewline: true)
}
