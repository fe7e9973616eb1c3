/// When a ``Checkpointer`` writes: after `interval` since the last checkpoint or after
/// `byteThreshold` bytes of new content, whichever comes first; and a heartbeat every
/// `heartbeatInterval` while the stream is open (so other processes see the writer is alive).
public struct CheckpointPolicy: Sendable, Equatable {
    public var interval: Duration
    public var byteThreshold: Int
    public var heartbeatInterval: Duration

    public init(
        interval: Duration = .milliseconds(250), byteThreshold: Int = 2048,
        heartbeatInterval: Duration = .seconds(10)
    ) {
        self.interval = interval
        self.byteThreshold = byteThreshold
        self.heartbeatInterval = heartbeatInterval
    }
}

/// The checkpoint cadence as a state machine: it is told what arrived and when, and answers
/// whether to checkpoint now, arm a timer, or do nothing. No I/O, so it is tested directly.
struct CheckpointSchedule: Sendable {
    enum Action: Equatable {
        case none
        case checkpoint
        case armTimer(after: Duration)
    }

    let policy: CheckpointPolicy
    private(set) var lastCheckpoint: Duration
    private(set) var pendingBytes = 0
    private(set) var hasPending = false
    private(set) var timerArmed = false

    init(policy: CheckpointPolicy, now: Duration) {
        self.policy = policy
        lastCheckpoint = now
    }

    /// `bytes` of new content arrived at `now`.
    mutating func received(bytes: Int, at now: Duration) -> Action {
        pendingBytes += bytes
        hasPending = true
        if pendingBytes >= policy.byteThreshold || now - lastCheckpoint >= policy.interval {
            return checkpointed(at: now)
        }
        if timerArmed { return .none }
        timerArmed = true
        return .armTimer(after: lastCheckpoint + policy.interval - now)
    }

    /// The timer armed earlier fired at `now`.
    mutating func timerFired(at now: Duration) -> Action {
        timerArmed = false
        guard hasPending else { return .none }
        if now - lastCheckpoint >= policy.interval { return checkpointed(at: now) }
        timerArmed = true
        return .armTimer(after: lastCheckpoint + policy.interval - now)
    }

    /// Everything pending was written by an explicit flush.
    mutating func flushed(at now: Duration) {
        _ = checkpointed(at: now)
    }

    private mutating func checkpointed(at now: Duration) -> Action {
        lastCheckpoint = now
        pendingBytes = 0
        hasPending = false
        return .checkpoint
    }
}
