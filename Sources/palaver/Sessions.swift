import ArgumentParser
import ChatCore
import Commands
import Foundation
import SessionStore

/// `palaver sessions …`: the stored conversations.
struct Sessions: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List, show, search, export, import and remove stored conversations.",
        subcommands: [List.self, Show.self, Search.self, Export.self, Import.self, Remove.self])

    static func run(_ command: SessionsRunner.Command) throws {
        let runner = SessionsRunner(context: commandContext())
        throw ExitCode(runner.run(command).rawValue)
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Conversations, most recently updated first.")
        @Option(name: .long, help: "How many to list.") var limit = 50
        func run() throws { try Sessions.run(.list(limit: max(1, limit))) }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a conversation.")
        @Argument(help: "Conversation id.") var id: String
        @Option(name: .long, help: "Only the last N messages.") var last: Int?
        func run() throws { try Sessions.run(.show(id, last: last.map { max(1, $0) })) }
    }

    struct Search: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Full-text search over every message.")
        @Argument(help: "Words to find (all must match).") var text: [String]
        @Option(name: .long, help: "Most hits to show.") var limit = 50
        func run() throws { try Sessions.run(.search(text.joined(separator: " "), limit: max(1, limit))) }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write a conversation as Markdown or JSON.")
        @Argument(help: "Conversation id.") var id: String
        @Option(name: .long, help: "md or json.") var format: String = "md"
        @Option(name: [.short, .long], help: "Write to this file instead of standard output.") var output: String?
        func validate() throws {
            guard ["md", "markdown", "json"].contains(format) else {
                throw ValidationError("--format must be md or json.")
            }
        }
        func run() throws { try Sessions.run(.export(id, format: format == "json" ? .json : .markdown, file: output)) }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a conversation exported as JSON (\"-\" reads standard input).")
        @Argument(help: "The JSON file.") var file: String
        func run() throws { try Sessions.run(.importFile(file)) }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rm", abstract: "Delete a conversation.")
        @Argument(help: "Conversation id.") var id: String
        func run() throws { try Sessions.run(.remove(id)) }
    }
}
