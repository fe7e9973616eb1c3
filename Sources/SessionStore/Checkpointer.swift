import Dispatch
import PlainJSON
import Synchronization

extension SessionStore {
    /// A writer for a streaming reply created by ``beginAssistantMessage(in:model:)``.
    /// Throws `.notFound` for an unknown id and `.invalidArgument` for a row that is not
    /// `streaming` or not owned by this process.
    /// `clock` defaults to the store's (``Options/clock``).
    public func checkpointer(
        for message: MessageID, policy: CheckpointPolicy = CheckpointPolicy(),
        clock: (any StoreClock)? = nil
    ) throws(SessionStoreError) -> Checkpointer {
        guard let stored = try self.message(message) else { throw Self.noMessage(message) }
        guard stored.status == .streaming, stored.owner?.pid == identity.pid,
            stored.owner?.startToken == identity.startToken
        else {
            throw SessionStoreError(
                .invalidArgument, path: nil, reason: "message \(message) is not a reply this process is streaming")
        }
        return Checkpointer(store: self, message: stored, policy: policy, clock: clock ?? options.clock)
    }
}

/// Takes a reply as it streams and checkpoints it to the store without slowing the stream.
///
/// ``appendText(_:)`` and ``replaceContent(_:)`` are the hot path: they take a lock, queue the
/// edit and count its bytes; they never touch the database (``replaceContent(_:)`` counts the
/// growth of the content's JSON text). When the ``CheckpointPolicy`` says
/// so (250 ms since the last checkpoint, or 2 KB of new content, whichever first; a timer
/// covers a stream that pauses), a serial background queue applies the queued edits and writes
/// them with a fresh heartbeat. A checkpoint normally appends only the text that arrived since
/// the last one (a row in `message_chunks`), so its cost does not grow with the reply; the
/// whole content is written at the start, after ``replaceContent(_:)`` and every 512 chunks.
/// Checkpoints coalesce: while one is being written, later ones merge into the next. A
/// heartbeat is written every 10 s even when no content arrives, so other palaver processes
/// see the writer is alive. A key-shaped tail (`sk-…` still arriving) is held back until it is
/// complete, so keys are always masked whole; `finish` writes everything.
///
/// Call ``finish(content:usage:stopReason:requestID:status:errorSummary:)`` exactly once; it
/// waits for queued writes and writes the final row. A checkpoint that fails (disk full, lock
/// timeout) does not interrupt the stream: the error is kept in ``lastError`` and the next
/// checkpoint tries again.
public final class Checkpointer: Sendable {
    /// How much work the checkpointer has done (for tests and benchmarks).
    public struct Statistics: Sendable, Equatable {
        /// Times the policy asked for a checkpoint.
        public var checkpointsTriggered = 0
        /// Content checkpoints actually written (≤ triggered, as they coalesce).
        public var checkpointWrites = 0
        /// Heartbeat-only writes.
        public var heartbeatWrites = 0
        /// Bytes of text received through `appendText`.
        public var bytesReceived = 0
    }

    private enum Edit: Sendable {
        case appendText(String)
        case replace([StoredJSON])
    }

    /// What callers and the writer queue share; held only for short, I/O-free sections.
    private struct Shared {
        var schedule: CheckpointSchedule
        var pending: [Edit] = []
        var writeQueued = false
        var finished = false
        var snapshotSize = 0
        var stats = Statistics()
        var error: SessionStoreError?
    }

    /// What only the writer queue touches (its lock is therefore never contended).
    private struct Writer {
        var content: [StoredJSON]
        /// The next checkpoint must write the whole content (start, or after `replaceContent`).
        var needsFullWrite: Bool
        /// Text appended to the last text block since the last write, not yet stored.
        var unwritten = ""
        /// Edits applied since the last successful write (a failed write leaves this set).
        var dirty = false
        var nextChunk = 0
        var chunksSinceFullWrite = 0

        mutating func apply(_ edits: [Edit]) {
            if !edits.isEmpty { dirty = true }
            for edit in edits {
                switch edit {
                case .replace(let blocks):
                    content = blocks
                    needsFullWrite = true
                    unwritten = ""
                case .appendText(let delta):
                    if !needsFullWrite { unwritten += delta }
                    StoredBlocks.append(delta, to: &content)
                }
            }
        }
    }

    public let messageID: MessageID
    private let store: SessionStore
    private let clock: any StoreClock
    private let owner: ProcessIdentity
    private let policy: CheckpointPolicy
    private let queue: DispatchQueue
    private let shared: Mutex<Shared>
    private let writer: Mutex<Writer>

    /// Chunks are folded back into a whole write after this many, to keep reads cheap.
    static let chunksBeforeFullWrite = 512

    init(store: SessionStore, message: StoredMessage, policy: CheckpointPolicy, clock: any StoreClock) {
        self.store = store
        self.messageID = message.id
        self.clock = clock
        self.owner = store.identity
        self.policy = policy
        let blocks = message.content.blocks ?? []
        self.writer = Mutex(Writer(content: blocks, needsFullWrite: !blocks.isEmpty))
        self.shared = Mutex(Shared(schedule: CheckpointSchedule(policy: policy, now: clock.now())))
        self.queue = DispatchQueue(label: "palaver.checkpointer.\(message.id)", qos: .utility)
        armHeartbeat()
    }

    /// What has been done so far.
    public var statistics: Statistics { shared.withLock { $0.stats } }

    /// The last checkpoint error, if the most recent write failed (cleared by a later success).
    public var lastError: SessionStoreError? { shared.withLock { $0.error } }

    /// Appends streamed text to the reply: to its last block when that is text, else as a new
    /// text block. Cheap; never waits for the database.
    public func appendText(_ delta: String) {
        guard !delta.isEmpty else { return }
        let bytes = delta.utf8.count
        let now = clock.now()
        let action: CheckpointSchedule.Action? = shared.withLock { state in
            guard !state.finished else { return nil }
            state.stats.bytesReceived += bytes
            state.snapshotSize += bytes
            if case .appendText(var text)? = state.pending.last {
                state.pending[state.pending.count - 1] = .appendText("")
                text += delta
                state.pending[state.pending.count - 1] = .appendText(text)
            } else {
                state.pending.append(.appendText(delta))
            }
            return state.schedule.received(bytes: bytes, at: now)
        }
        if let action { perform(action) }
    }

    /// Replaces the reply's whole content (for streams with tool use or thinking blocks, pass
    /// the accumulated content). Cheap: the content is only written on the writer queue.
    public func replaceContent(_ content: StoredContent) {
        guard let blocks = content.blocks else { return }
        let size = content.json.utf8.count
        let now = clock.now()
        let action: CheckpointSchedule.Action? = shared.withLock { state in
            guard !state.finished else { return nil }
            let grown = max(0, size - state.snapshotSize)
            state.snapshotSize = size
            state.pending = [.replace(blocks)]
            return state.schedule.received(bytes: grown, at: now)
        }
        if let action { perform(action) }
    }

    /// Writes whatever is pending now and waits for it (e.g. before the app quits).
    public func flush() throws(SessionStoreError) {
        let now = clock.now()
        shared.withLock { $0.schedule.flushed(at: now) }
        queue.sync { writeCheckpoint(countsAsTriggered: false) }
        if let error = lastError { throw error }
    }

    /// Waits for queued checkpoints and writes the reply's final state (see
    /// ``SessionStore/finishAssistantMessage(_:content:usage:stopReason:requestID:status:errorSummary:)``).
    /// `content: nil` keeps what was streamed. Later appends are ignored.
    @discardableResult
    public func finish(
        content final: StoredContent? = nil, usage: TokenCounts? = nil, stopReason: String? = nil,
        requestID: String? = nil, status: MessageStatus = .complete, errorSummary: String? = nil
    )
        throws(SessionStoreError) -> StoredMessage
    {
        let edits: [Edit]? = shared.withLock { state in
            guard !state.finished else { return nil }
            state.finished = true
            defer { state.pending = [] }
            return state.pending
        }
        guard let edits else {
            throw SessionStoreError(.invalidArgument, path: nil, reason: "the reply \(messageID) was already finished")
        }
        let result: Result<StoredMessage, SessionStoreError> = queue.sync {
            let content = writer.withLock { writer in
                writer.apply(edits)
                return final ?? StoredContent(blocks: writer.content)
            }
            return Result { () throws(SessionStoreError) in
                try store.finishAssistantMessage(
                    messageID, content: content, usage: usage, stopReason: stopReason,
                    requestID: requestID, status: status, errorSummary: errorSummary)
            }
        }
        return try result.get()
    }

    /// Waits until every checkpoint queued so far has been written (tests).
    func drain() {
        queue.sync {}
    }

    // MARK: Writing

    private func perform(_ action: CheckpointSchedule.Action) {
        switch action {
        case .none:
            break
        case .checkpoint:
            let enqueue = shared.withLock { state -> Bool in
                state.stats.checkpointsTriggered += 1
                if state.writeQueued { return false }
                state.writeQueued = true
                return true
            }
            if enqueue { queue.async { self.writeCheckpoint(countsAsTriggered: true) } }
        case .armTimer(let delay):
            clock.schedule(after: delay) { [weak self] in
                guard let self else { return }
                let now = self.clock.now()
                let next: CheckpointSchedule.Action? = self.shared.withLock { state in
                    state.finished ? nil : state.schedule.timerFired(at: now)
                }
                if let next { self.perform(next) }
            }
        }
    }

    /// On `queue`: applies the pending edits and writes what changed. Usually that is a chunk
    /// of the text appended since the last checkpoint (cost proportional to what arrived); the
    /// whole content is written at the start, after `replaceContent`, and every
    /// `chunksBeforeFullWrite` chunks. A key-shaped tail is held back until it is complete (see
    /// `StoredBlocks.safeCut`), so every key is masked whole.
    private func writeCheckpoint(countsAsTriggered: Bool) {
        let edits: [Edit]? = shared.withLock { state in
            if countsAsTriggered { state.writeQueued = false }
            if state.finished { return nil }
            defer { state.pending = [] }
            return state.pending
        }
        guard let edits else { return }
        writer.withLock { writer in
            writer.apply(edits)
            guard writer.dirty else { return }
            if writer.needsFullWrite || writer.chunksSinceFullWrite >= Self.chunksBeforeFullWrite {
                var blocks = writer.content
                var tail = ""
                if let last = blocks.last, case .object(var members) = last, let text = StoredBlocks.text(of: last) {
                    let cut = StoredBlocks.safeCut(text)
                    members["text"] = .string(cut.head)
                    blocks[blocks.count - 1] = .object(members)
                    tail = cut.tail
                }
                let content = StoredContent(blocks: StoredBlocks.redacted(blocks))
                let written = record {
                    try store.writeCheckpoint(messageID, .full(json: content.json, text: content.text), owner: owner)
                } counting: {
                    $0.checkpointWrites += 1
                }
                if written {
                    writer.needsFullWrite = false
                    writer.unwritten = tail
                    writer.chunksSinceFullWrite = 0
                    writer.dirty = false
                }
            } else if !writer.unwritten.isEmpty {
                let cut = StoredBlocks.safeCut(writer.unwritten)
                guard !cut.head.isEmpty else { return } // only a possible key start so far: wait
                let seq = writer.nextChunk
                let written = record {
                    try store.writeCheckpoint(messageID, .chunk(seq: seq, text: storeRedact(cut.head)), owner: owner)
                } counting: {
                    $0.checkpointWrites += 1
                }
                if written {
                    writer.nextChunk += 1
                    writer.chunksSinceFullWrite += 1
                    writer.unwritten = cut.tail
                    writer.dirty = false
                }
            }
        }
    }

    private func armHeartbeat() {
        clock.schedule(after: policy.heartbeatInterval) { [weak self] in
            guard let self, !self.shared.withLock({ $0.finished }) else { return }
            self.queue.async {
                guard !self.shared.withLock({ $0.finished }) else { return }
                _ = self.record {
                    try self.store.writeCheckpoint(self.messageID, .heartbeat, owner: self.owner)
                } counting: {
                    $0.heartbeatWrites += 1
                }
            }
            self.armHeartbeat()
        }
    }

    /// Runs one write, counts it, and keeps or clears the error. True when it was written.
    private func record(_ write: () throws -> Bool, counting: (inout Statistics) -> Void) -> Bool {
        do {
            let owned = try write()
            let notOwned = SessionStoreError(
                .notFound, path: store.path, reason: "the reply \(messageID) is no longer owned by this process")
            shared.withLock { state in
                counting(&state.stats)
                state.error = owned ? nil : notOwned
            }
            return owned
        } catch {
            let wrapped = SessionStoreError.wrapping(error, path: store.path)
            shared.withLock { $0.error = wrapped }
            return false
        }
    }
}
