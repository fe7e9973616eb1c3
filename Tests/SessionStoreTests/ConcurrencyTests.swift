import Dispatch
import Foundation
import Synchronization
import TestSupport
import Testing

@testable import SessionStore

@Suite("Concurrent writers")
struct ConcurrencyTests {
    @Test func twoStoresWritingAtOnceLoseNothing() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let a = try SessionStore(path: dir.database)
        let b = try SessionStore(path: dir.database) // separate connections to the same file
        let shared = try a.createConversation(title: "shared", model: "m")
        let perStore = 150
        let failures = ErrorBox()
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            let store = worker % 2 == 0 ? a : b
            do {
                let own = try store.createConversation(title: "worker \(worker)", model: "m")
                for i in 0..<perStore {
                    try store.appendUserMessage(to: shared.id, text: "w\(worker) #\(i)", status: .complete)
                    if i % 10 == 0 { try store.appendUserMessage(to: own.id, text: "own \(i)") }
                }
            } catch {
                failures.append(error)
            }
        }
        #expect(failures.errors.isEmpty, "\(failures.errors)")
        let all = try a.messages(in: shared.id, after: 0, limit: 10_000)
        #expect(all.count == 4 * perStore)
        #expect(all.map(\.position) == Array(1...(4 * perStore)))
        #expect(Set(all.map(\.text)).count == 4 * perStore)
        #expect(try b.conversationCount() == 5)
    }

    @Test(.enabled(if: ChildProcess.isSupported))
    func twoProcessesWritingAtOnceLoseNothing() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let store = try SessionStore(path: dir.database)
        let shared = try store.createConversation(title: "shared", model: "m")
        let count = 150
        var children: [Process] = []
        for tag in ["p1", "p2"] {
            children.append(
                try ChildProcess.start(
                    "writer",
                    arguments: [
                        "PATH": dir.database, "CONVERSATION": shared.id.description, "COUNT": String(count), "TAG": tag,
                        "RESULT_FILE": dir.path("result-\(tag)"),
                    ], in: dir))
        }
        // This process writes too, while the children do.
        for i in 0..<count {
            try store.appendUserMessage(to: shared.id, text: "parent \(i)", status: .complete)
        }
        for child in children {
            child.waitUntilExit()
            #expect(child.terminationStatus == 0)
        }
        for tag in ["p1", "p2"] {
            #expect(
                (try? String(contentsOfFile: dir.path("result-\(tag)"), encoding: .utf8)) == "RESULT wrote \(count)\n")
        }
        let all = try store.messages(in: shared.id, after: 0, limit: 10_000)
        #expect(all.count == 3 * count)
        #expect(all.map(\.position) == Array(1...(3 * count)))
        for tag in ["parent", "p1", "p2"] {
            let mine = all.map(\.text).filter { $0.hasPrefix(tag + " ") }
            // Each writer's messages are all there, in the order it wrote them.
            #expect(mine == (0..<count).map { "\(tag) \($0)" })
        }
    }
}

/// The errors worker threads ran into, as text.
final class ErrorBox: Sendable {
    private let stored = Mutex<[String]>([])
    func append(_ error: any Error) {
        let text = String(describing: error)
        stored.withLock { $0.append(text) }
    }
    var errors: [String] { stored.withLock { $0 } }
}
