import Dispatch
import Foundation

/// The store's one clock: wall time for the timestamps it writes, and monotonic time with
/// one-shot timers for a ``Checkpointer``'s cadence. The system clock is the default
/// (``SessionStore/Options/clock``); tests pass a clock they move by hand, so timestamps and
/// checkpoint cadence are checked without sleeping.
public protocol StoreClock: Sendable {
    /// The wall-clock time written into timestamps and heartbeats.
    func wallTime() -> Date
    /// Monotonic time since an arbitrary origin.
    func now() -> Duration
    /// Runs `action` once, on any thread, after `delay`.
    func schedule(after delay: Duration, _ action: @escaping @Sendable () -> Void)
}

/// `Date()` for wall time, `ContinuousClock` time and Dispatch timers.
public struct SystemStoreClock: StoreClock {
    private let origin = ContinuousClock.now

    public init() {}

    public func wallTime() -> Date { Date() }

    public func now() -> Duration { ContinuousClock.now - origin }

    public func schedule(after delay: Duration, _ action: @escaping @Sendable () -> Void) {
        let (seconds, attoseconds) = delay.components
        let nanoseconds = max(0, Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))
        DispatchQueue.global(qos: .utility).asyncAfter(deadline: .now() + .nanoseconds(nanoseconds), execute: action)
    }
}
