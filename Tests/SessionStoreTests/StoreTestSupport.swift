import Foundation
import GRDB
import PlainJSON
import Synchronization
import TestSupport

@testable import SessionStore

#if canImport(Glibc)
    import Glibc
#endif

extension TemporaryDirectory {
    /// The database path used by most tests.
    var database: String { path("palaver.sqlite") }
}

/// A wall clock the test moves by hand (monotonic time and timers are the system's).
final class TestWallClock: StoreClock {
    private let current: Mutex<Date>
    private let system = SystemStoreClock()

    init(_ start: Date = Date(timeIntervalSince1970: 1_790_000_000.123)) { current = Mutex(start) }

    var date: Date { current.withLock { $0 } }
    func advance(by seconds: TimeInterval) { current.withLock { $0 += seconds } }

    func wallTime() -> Date { date }
    func now() -> Duration { system.now() }
    func schedule(after delay: Duration, _ action: @escaping @Sendable () -> Void) {
        system.schedule(after: delay, action)
    }
}

/// A monotonic clock whose timers fire only when the test advances it (wall time is the system's).
final class ManualCheckpointClock: StoreClock {
    private struct Timer {
        var due: Duration
        var order: Int
        var action: @Sendable () -> Void
    }

    private struct State {
        var current: Duration = .zero
        var timers: [Timer] = []
        var order = 0
    }

    private let state = Mutex(State())

    func wallTime() -> Date { Date() }

    func now() -> Duration { state.withLock { $0.current } }

    func schedule(after delay: Duration, _ action: @escaping @Sendable () -> Void) {
        state.withLock { state in
            state.order += 1
            state.timers.append(Timer(due: state.current + delay, order: state.order, action: action))
        }
    }

    /// Moves time forward, firing each due timer at its own due time, in order.
    func advance(by delta: Duration) {
        let target = now() + delta
        while true {
            let next: (@Sendable () -> Void)? = state.withLock { state in
                guard
                    let index = state.timers.indices.filter({ state.timers[$0].due <= target })
                        .min(by: {
                            (state.timers[$0].due, state.timers[$0].order) < (
                                state.timers[$1].due, state.timers[$1].order
                            )
                        })
                else { return nil }
                let timer = state.timers.remove(at: index)
                state.current = max(state.current, timer.due)
                return timer.action
            }
            guard let next else { break }
            next()
        }
        state.withLock { $0.current = target }
    }

    var pendingTimers: Int { state.withLock { $0.timers.count } }
}

extension SessionStore.Options {
    static func testing(clock: TestWallClock? = nil) -> Self {
        var options = Self()
        if let clock { options.clock = clock }
        return options
    }
}

/// A content block written out in the stored JSON shape, so tests state content the way the
/// API's blocks look without the store (or its tests) depending on the API module.
enum Block {
    case text(String)
    case thinking(String, signature: String)
    case toolUse(id: String, name: String, input: StoredJSON)
    case redactedThinking(data: String)
    case other(type: String, json: StoredJSON)

    var json: StoredJSON {
        switch self {
        case .text(let text): .object(["type": .string("text"), "text": .string(text)])
        case .thinking(let text, let signature):
            .object(["type": .string("thinking"), "thinking": .string(text), "signature": .string(signature)])
        case .toolUse(let id, let name, let input):
            .object(["type": .string("tool_use"), "id": .string(id), "name": .string(name), "input": input])
        case .redactedThinking(let data): .object(["type": .string("redacted_thinking"), "data": .string(data)])
        case .other(_, let json): json
        }
    }
}

extension StoredContent {
    /// Content written as blocks: `StoredContent([.text("hi")])`.
    init(_ blocks: [Block]) {
        self.init(blocks: blocks.map(\.json))
    }
}

/// Raw access to a database file, for checks the store's API does not offer.
func withRawDatabase<T>(_ path: String, _ body: (Database) throws -> T) throws -> T {
    let queue = try DatabaseQueue(path: path)
    defer { try? queue.close() }
    return try queue.writeWithoutTransaction(body)
}

/// Stored times have millisecond precision.
func sameMillisecond(_ a: Date?, _ b: Date?) -> Bool {
    guard let a, let b else { return a == nil && b == nil }
    return abs(a.timeIntervalSince(b)) < 0.0005
}

func fileBytes(_ path: String) -> [UInt8] {
    (try? [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))) ?? []
}

func fileMode(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]) as? Int) ?? -1
}

func expectStoreError(_ code: SessionStoreError.Code, _ body: () throws -> Void) -> SessionStoreError? {
    do {
        try body()
        return nil
    } catch let error as SessionStoreError {
        return error.code == code ? error : nil
    } catch {
        return nil
    }
}

/// Counts occurrences of `needle` in `haystack` (byte search).
func occurrences(of needle: [UInt8], in haystack: [UInt8]) -> Int {
    guard !needle.isEmpty, haystack.count >= needle.count else { return 0 }
    var count = 0
    var i = 0
    let first = needle[0]
    while i <= haystack.count - needle.count {
        if haystack[i] == first && Array(haystack[i..<i + needle.count]) == needle { count += 1 }
        i += 1
    }
    return count
}

// MARK: Child processes

/// Runs this test binary again as a child process that performs one `ChildRole`, so tests
/// can use a second real process (concurrent writers, `kill -9`, an unprivileged user).
enum ChildProcess {
    static let roleVariable = "PALAVER_STORE_TEST_CHILD"

    /// The test executable: `/proc/self/exe` on Linux.
    static var executable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    static var isSupported: Bool {
        #if os(Linux)
            return true
        #else
            return false
        #endif
    }

    /// Starts the child; its stdout and stderr go to files in `directory`.
    static func start(_ role: String, arguments: [String: String], in directory: TemporaryDirectory) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["--testing-library", "swift-testing", "--filter", "childProcessEntryPoint"]
        var environment = ProcessInfo.processInfo.environment
        environment[roleVariable] = role
        for (key, value) in arguments { environment["PALAVER_STORE_TEST_\(key)"] = value }
        process.environment = environment
        let id = UUID().uuidString.prefix(8)
        _ = FileManager.default.createFile(atPath: directory.path("child-\(id).out"), contents: nil)
        process.standardOutput = FileHandle(forWritingAtPath: directory.path("child-\(id).out"))
        process.standardError = FileHandle(forWritingAtPath: directory.path("child-\(id).out"))
        try process.run()
        return process
    }

    /// Runs the child to completion and returns what it reported (lines starting `RESULT `).
    static func run(_ role: String, arguments: [String: String], in directory: TemporaryDirectory) throws -> (
        status: Int32, results: [String]
    ) {
        let resultFile = directory.path("result-\(UUID().uuidString)")
        // Created here, writable by anyone: the child may have become `nobody`.
        _ = FileManager.default.createFile(atPath: resultFile, contents: nil, attributes: [.posixPermissions: 0o666])
        var arguments = arguments
        arguments["RESULT_FILE"] = resultFile
        let process = try start(role, arguments: arguments, in: directory)
        process.waitUntilExit()
        let text = (try? String(contentsOfFile: resultFile, encoding: .utf8)) ?? ""
        return (process.terminationStatus, text.split(separator: "\n").map(String.init))
    }

    /// Waits (up to `timeout` seconds) for a file a child writes when it reaches a point.
    static func waitForFile(_ path: String, timeout: TimeInterval = 20) -> String? {
        let deadline = Date() + timeout
        while Date() < deadline {
            if let text = try? String(contentsOfFile: path, encoding: .utf8), text.hasSuffix("\n") { return text }
            usleep(10_000)
        }
        return nil
    }

    /// Whether this machine lets a root test process drop to an unprivileged user, asked once.
    static let canDropPrivileges: Bool = {
        guard isSupported, getuid() == 0 else { return false }
        // The child writes its result file inside the folder as `nobody`, so others may enter it.
        guard let directory = try? TemporaryDirectory(prefix: "palaver-store-tests"), chmod(directory.path, 0o755) == 0,
            let outcome = try? run("probe-unprivileged", arguments: [:], in: directory)
        else { return false }
        return outcome.results == ["RESULT uid=65534"]
    }()

    /// Permission tests need a user the file modes apply to: this process when it is not root,
    /// a child that dropped to `nobody` when it is.
    static var canTestPermissions: Bool { getuid() != 0 || canDropPrivileges }
}

/// What a child process does, chosen by `PALAVER_STORE_TEST_CHILD`; each writes its results as
/// lines to `PALAVER_STORE_TEST_RESULT_FILE`.
enum ChildRole {
    static func argument(_ name: String) -> String {
        ProcessInfo.processInfo.environment["PALAVER_STORE_TEST_\(name)"] ?? ""
    }

    static func report(_ lines: [String]) {
        let text = lines.map { "RESULT \($0)\n" }.joined()
        try? text.write(toFile: argument("RESULT_FILE"), atomically: false, encoding: .utf8)
    }

    static func run(_ role: String) throws {
        switch role {
        case "probe-unprivileged":
            report(dropPrivileges() ? ["uid=\(getuid())"] : ["cannot drop privileges"])

        case "open-unprivileged":
            guard dropPrivileges() else { return report(["cannot drop privileges"]) }
            report([openOutcome(argument("PATH"))])

        case "writer":
            // Appends COUNT user messages to conversation CONVERSATION, one transaction each.
            let store = try SessionStore(path: argument("PATH"))
            let conversation = ConversationID(Int64(argument("CONVERSATION"))!)
            let count = Int(argument("COUNT"))!
            let tag = argument("TAG")
            for i in 0..<count {
                try store.appendUserMessage(to: conversation, text: "\(tag) \(i)", status: .complete)
            }
            try store.close()
            report(["wrote \(count)"])

        case "streamer":
            // Starts a reply, streams TEXT in pieces, makes sure it is checkpointed, says so,
            // then keeps streaming slowly until it is killed.
            let store = try SessionStore(path: argument("PATH"))
            let conversation = ConversationID(Int64(argument("CONVERSATION"))!)
            let reply = try store.beginAssistantMessage(in: conversation, model: "claude-test")
            let checkpointer = try store.checkpointer(for: reply.id)
            for word in argument("TEXT").split(separator: " ", omittingEmptySubsequences: false) {
                checkpointer.appendText(word + " ")
            }
            try checkpointer.flush()
            try "\(reply.id) \(getpid())\n".write(toFile: argument("READY_FILE"), atomically: true, encoding: .utf8)
            while true {
                usleep(50_000)
                checkpointer.appendText("…") // never flushed explicitly; the kill decides
            }

        default:
            report(["unknown role \(role)"])
        }
    }

    /// Becomes `nobody` (65534) for the rest of the process.
    static func dropPrivileges() -> Bool {
        #if os(Linux)
            if getuid() != 0 { return true }
            return setgroups(0, nil) == 0 && setgid(65534) == 0 && setuid(65534) == 0 && getuid() == 65534
        #else
            return false
        #endif
    }

    /// `opened`, or `error <code> <description>` for a failed open.
    static func openOutcome(_ path: String) -> String {
        do {
            let store = try SessionStore(path: path)
            try store.close()
            return "opened"
        } catch {
            return "error \(error.code) \(error.description)"
        }
    }
}

extension SessionStore {
    /// Every message of a conversation, every branch, in creation order (the stored `position`
    /// column); a test's view of the whole tree.
    func allMessages(in conversation: ConversationID) throws -> [StoredMessage] {
        try read { db in
            try Self.fetchMessages(
                db, sql: "SELECT \(Self.messageColumns) FROM messages WHERE conversation_id = ? ORDER BY position",
                arguments: [conversation.rawValue])
        }
    }
}
