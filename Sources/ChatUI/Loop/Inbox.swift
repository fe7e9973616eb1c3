import ChatCore
import Foundation
import TerminalUI

/// Where the runtime's results wait for the loop; posting wakes the loop if it is waiting for input.
public final class Inbox: @unchecked Sendable {
    private let lock = NSLock()
    private var actions: [ChatAction] = []
    private var waker: TerminalWaker?
    private var quitSignal: Int32?

    public init() {}

    /// Wakes `waker` whenever something arrives from now on.
    public func connect(_ waker: TerminalWaker) {
        lock.withLock { self.waker = waker }
    }

    /// Queues a result (any thread).
    public func post(_ action: ChatAction) {
        let wake: TerminalWaker? = lock.withLock {
            actions.append(action)
            return actions.count == 1 ? waker : nil
        }
        wake?.wake()
    }

    /// A termination signal arrived (any thread): the loop saves and quits.
    public func postQuit(signal: Int32) {
        let wake: TerminalWaker? = lock.withLock {
            if quitSignal == nil { quitSignal = signal }
            return waker
        }
        wake?.wake()
    }

    /// The first termination signal that arrived, if any.
    public var receivedQuitSignal: Int32? { lock.withLock { quitSignal } }

    /// Everything that arrived, in order.
    public func drain() -> [ChatAction] {
        lock.withLock {
            defer { actions.removeAll(keepingCapacity: true) }
            return actions
        }
    }
}
