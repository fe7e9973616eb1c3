/// Decides when to draw: only when something changed, and at most once per frame interval,
/// so a burst of updates (say, stream chunks) costs one frame.
///
/// Pure: the loop passes in the time. Typical use:
/// ```swift
/// pacer.markDirty()                       // after any state change
/// switch pacer.decide(now: clock.now) {
/// case .drawNow: terminal.draw(...); pacer.didDraw(at: clock.now)
/// case .wait(let delay): timeout = delay  // read input for at most this long, then ask again
/// case .idle: timeout = nil               // nothing to draw: wait for input
/// }
/// ```
public struct FramePacer<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    /// The shortest time between two frames.
    public var minimumInterval: Duration
    /// True when something changed since the last frame.
    public private(set) var isDirty = false
    /// When the last frame was drawn.
    public private(set) var lastFrame: Instant?

    public init(minimumInterval: Duration) {
        self.minimumInterval = minimumInterval
    }

    /// A pacer for at most `framesPerSecond` frames a second (default 60).
    public init(framesPerSecond: Int = 60) {
        self.minimumInterval = .seconds(1) / max(1, framesPerSecond)
    }

    /// What the loop should do now.
    public enum Decision: Hashable, Sendable {
        /// Nothing changed: wait for input.
        case idle
        /// Draw a frame now.
        case drawNow
        /// Something changed, but the last frame was too recent: draw after this delay.
        case wait(Duration)
    }

    /// Notes that the screen needs a new frame.
    public mutating func markDirty() { isDirty = true }

    public func decide(now: Instant) -> Decision {
        guard isDirty else { return .idle }
        guard let lastFrame else { return .drawNow }
        let elapsed = lastFrame.duration(to: now)
        return elapsed >= minimumInterval ? .drawNow : .wait(minimumInterval - elapsed)
    }

    /// Notes that a frame was drawn at `now`.
    public mutating func didDraw(at now: Instant) {
        isDirty = false
        lastFrame = now
    }
}
