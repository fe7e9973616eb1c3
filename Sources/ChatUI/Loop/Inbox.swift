import ChatCore
import Synchronization
import TerminalUI

/// Where the runtime's results wait for the loop; posting wakes the loop if it is waiting for input.
///
/// This is the loop's equivalent of an `AsyncStream` of actions: one thread owns the terminal
/// (ncurses is not thread-safe), so the loop cannot await a stream; it blocks in `readEvent`,
/// and a post wakes it through the backend's waker. Nothing polls: the loop sleeps until input,
/// a result, a tick or a frame is due. The state is behind a `Mutex`, so any thread may post.
public final class Inbox: Sendable {
    private struct State {
        var actions: [ChatAction] = []
        var waker: TerminalWaker?
        var quitSignal: Int32?
    }

    private let state = Mutex(State())

    public init() {}

    /// Wakes `waker` whenever something arrives from now on.
    public func connect(_ waker: TerminalWaker) {
        state.withLock { $0.waker = waker }
    }

    /// Queues a result (any thread).
    public func post(_ action: ChatAction) {
        let wake: TerminalWaker? = state.withLock { state in
            state.actions.append(action)
            return state.actions.count == 1 ? state.waker : nil
        }
        wake?.wake()
    }

    /// A termination signal arrived (any thread): the loop saves and quits.
    public func postQuit(signal: Int32) {
        let wake: TerminalWaker? = state.withLock { state in
            if state.quitSignal == nil { state.quitSignal = signal }
            return state.waker
        }
        wake?.wake()
    }

    /// The first termination signal that arrived, if any.
    public var receivedQuitSignal: Int32? { state.withLock { $0.quitSignal } }

    /// Everything that arrived, in order.
    public func drain() -> [ChatAction] {
        state.withLock { state in
            defer { state.actions.removeAll(keepingCapacity: true) }
            return state.actions
        }
    }
}
