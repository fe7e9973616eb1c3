import AnthropicAPI
import Dispatch
import Foundation

extension SessionStore {
    /// A writer for a streaming reply created by ``beginAssistantMessage(in:model:)``.
    /// Throws `.notFound` for an unknown id and `.invalidArgument` for a row that is not
    /// `streaming` or not owned by this process.
    public func checkpointer(for message: MessageID, policy: CheckpointPolicy = CheckpointPolicy(),
                             clock: any CheckpointClock = SystemCheckpointClock()) throws(SessionStoreError) -> Checkpointer
    {
        guard let stored = try self.message(message) else { throw Self.noMessage(message) }
        guard stored.status == .streaming, stored.owner?.pid == identity.pid,
              stored.owner?.startToken == identity.startToken else {
            throw SessionStoreError(.invalidArgument, path: nil, reason: "message \(message) is not a reply this process is streaming")
        }
        return Checkpointer(store: self, message: stored, policy: policy, clock: clock)
    }
}

/// Takes a reply as it streams and checkpoints it to the store without slowing the stream.
///
/// ``appendText(_:)`` and ``replaceContent(_:)`` are the hot path: they take a lock, queue the
/// edit and count its bytes; they never touch the database. When the ``CheckpointPolicy`` says
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
public final class Checkpointer: @unchecked Sendable {
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

    private enum Edit {
        case appendText(String)
        case replace([ContentBlock])
    }

    public let messageID: MessageID
    private let store: SessionStore
    private let clock: any CheckpointClock
    private let owner: ProcessIdentity
    private let policy: CheckpointPolicy
    private let queue: DispatchQueue

    // Guarded by `lock`.
    private let lock = NSLock()
    private var schedule: CheckpointSchedule
    private var pending: [Edit] = []
    private var writeQueued = false
    private var finished = false
    private var snapshotSize = 0
    private var stats = Statistics()
    private var error: SessionStoreError?

    // Owned by `queue`.
    private var content: [ContentBlock]
    /// The next checkpoint must write the whole content (start, or after `replaceContent`).
    private var needsFullWrite: Bool
    /// Text appended to the last text block since the last write, not yet stored.
    private var unwritten = ""
    /// Edits applied since the last successful write (a failed write leaves this set).
    private var dirty = false
    private var nextChunk = 0
    private var chunksSinceFullWrite = 0
    /// Chunks are folded back into a whole write after this many, to keep reads cheap.
    static let chunksBeforeFullWrite = 512

    init(store: SessionStore, message: StoredMessage, policy: CheckpointPolicy, clock: any CheckpointClock) {
        self.store = store
        self.messageID = message.id
        self.clock = clock
        self.owner = store.identity
        self.policy = policy
        self.content = message.content
        self.needsFullWrite = !message.content.isEmpty
        self.schedule = CheckpointSchedule(policy: policy, now: clock.now())
        self.queue = DispatchQueue(label: "palaver.checkpointer.\(message.id)", qos: .utility)
        armHeartbeat()
    }

    /// What has been done so far.
    public var statistics: Statistics { lock.withLock { stats } }

    /// The last checkpoint error, if the most recent write failed (cleared by a later success).
    public var lastError: SessionStoreError? { lock.withLock { error } }

    /// Appends streamed text to the reply: to its last block when that is text, else as a new
    /// text block. Cheap; never waits for the database.
    public func appendText(_ delta: String) {
        guard !delta.isEmpty else { return }
        let bytes = delta.utf8.count
        let action: CheckpointSchedule.Action? = lock.withLock {
            guard !finished else { return nil }
            stats.bytesReceived += bytes
            snapshotSize += bytes
            if case .appendText(var text)? = pending.last {
                pending[pending.count - 1] = .appendText("")
                text += delta
                pending[pending.count - 1] = .appendText(text)
            } else {
                pending.append(.appendText(delta))
            }
            return schedule.received(bytes: bytes, at: clock.now())
        }
        if let action { perform(action) }
    }

    /// Replaces the reply's whole content (for streams with tool use or thinking blocks, pass
    /// the accumulator's content). Cheap: the blocks are only encoded on the writer queue.
    public func replaceContent(_ blocks: [ContentBlock]) {
        let size = Self.approximateSize(of: blocks)
        let action: CheckpointSchedule.Action? = lock.withLock {
            guard !finished else { return nil }
            let grown = max(0, size - snapshotSize)
            snapshotSize = size
            pending = [.replace(blocks)]
            return schedule.received(bytes: grown, at: clock.now())
        }
        if let action { perform(action) }
    }

    /// Writes whatever is pending now and waits for it (e.g. before the app quits).
    public func flush() throws(SessionStoreError) {
        lock.withLock { schedule.flushed(at: clock.now()) }
        queue.sync { writeCheckpoint(countsAsTriggered: false) }
        if let error = lastError { throw error }
    }

    /// Waits for queued checkpoints and writes the reply's final state (see
    /// ``SessionStore/finishAssistantMessage(_:content:usage:stopReason:requestID:status:errorSummary:)``).
    /// `content: nil` keeps what was streamed. Later appends are ignored.
    @discardableResult
    public func finish(content final: [ContentBlock]? = nil, usage: Usage? = nil, stopReason: String? = nil,
                       requestID: String? = nil, status: MessageStatus = .complete, errorSummary: String? = nil)
        throws(SessionStoreError) -> StoredMessage
    {
        let edits: [Edit]? = lock.withLock {
            guard !finished else { return nil }
            finished = true
            defer { pending = [] }
            return pending
        }
        guard let edits else {
            throw SessionStoreError(.invalidArgument, path: nil, reason: "the reply \(messageID) was already finished")
        }
        let result: Result<StoredMessage, SessionStoreError> = queue.sync {
            apply(edits)
            let content = final ?? self.content
            return Result { () throws(SessionStoreError) in
                try store.finishAssistantMessage(messageID, content: content, usage: usage, stopReason: stopReason,
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
            let enqueue = lock.withLock { () -> Bool in
                stats.checkpointsTriggered += 1
                if writeQueued { return false }
                writeQueued = true
                return true
            }
            if enqueue { queue.async { self.writeCheckpoint(countsAsTriggered: true) } }
        case .armTimer(let delay):
            clock.schedule(after: delay) { [weak self] in
                guard let self else { return }
                let next: CheckpointSchedule.Action? = self.lock.withLock {
                    self.finished ? nil : self.schedule.timerFired(at: self.clock.now())
                }
                if let next { self.perform(next) }
            }
        }
    }

    /// On `queue`: applies the pending edits and writes what changed. Usually that is a chunk
    /// of the text appended since the last checkpoint (cost proportional to what arrived); the
    /// whole content is written at the start, after `replaceContent`, and every
    /// `chunksBeforeFullWrite` chunks. A key-shaped tail is held back until it is complete (see
    /// `ContentCoding.safeCut`), so every key is masked whole.
    private func writeCheckpoint(countsAsTriggered: Bool) {
        let edits: [Edit]? = lock.withLock {
            if countsAsTriggered { writeQueued = false }
            if finished { return nil }
            defer { pending = [] }
            return pending
        }
        guard let edits else { return }
        apply(edits)
        guard dirty else { return }
        if needsFullWrite || chunksSinceFullWrite >= Self.chunksBeforeFullWrite {
            var blocks = content
            var tail = ""
            if case .text(let text)? = blocks.last {
                let cut = ContentCoding.safeCut(text)
                blocks[blocks.count - 1] = .text(cut.head)
                tail = cut.tail
            }
            blocks = ContentCoding.redacted(blocks)
            let written = record {
                try store.writeCheckpoint(messageID, .full(json: ContentCoding.encode(blocks),
                                                           text: ContentCoding.plainText(of: blocks)), owner: owner)
            } counting: { $0.checkpointWrites += 1 }
            if written {
                needsFullWrite = false
                unwritten = tail
                chunksSinceFullWrite = 0
                dirty = false
            }
        } else if !unwritten.isEmpty {
            let cut = ContentCoding.safeCut(unwritten)
            guard !cut.head.isEmpty else { return }  // only a possible key start so far: wait
            let written = record {
                try store.writeCheckpoint(messageID, .chunk(seq: nextChunk, text: storeRedact(cut.head)), owner: owner)
            } counting: { $0.checkpointWrites += 1 }
            if written {
                nextChunk += 1
                chunksSinceFullWrite += 1
                unwritten = cut.tail
                dirty = false
            }
        }
    }

    private func armHeartbeat() {
        clock.schedule(after: policy.heartbeatInterval) { [weak self] in
            guard let self, !self.lock.withLock({ self.finished }) else { return }
            self.queue.async {
                guard !self.lock.withLock({ self.finished }) else { return }
                _ = self.record {
                    try self.store.writeCheckpoint(self.messageID, .heartbeat, owner: self.owner)
                } counting: { $0.heartbeatWrites += 1 }
            }
            self.armHeartbeat()
        }
    }

    /// Runs one write, counts it, and keeps or clears the error. True when it was written.
    private func record(_ write: () throws -> Bool, counting: (inout Statistics) -> Void) -> Bool {
        do {
            let owned = try write()
            lock.withLock {
                counting(&stats)
                error = owned ? nil : SessionStoreError(.notFound, path: store.path, reason: "the reply \(messageID) is no longer owned by this process")
            }
            return owned
        } catch {
            let wrapped = SessionStoreError.wrapping(error, path: store.path)
            lock.withLock { self.error = wrapped }
            return false
        }
    }

    /// On `queue`.
    private func apply(_ edits: [Edit]) {
        if !edits.isEmpty { dirty = true }
        for edit in edits {
            switch edit {
            case .replace(let blocks):
                content = blocks
                needsFullWrite = true
                unwritten = ""
            case .appendText(let delta):
                if !needsFullWrite { unwritten += delta }
                if case .text(var text)? = content.last {
                    content[content.count - 1] = .text("")
                    text += delta
                    content[content.count - 1] = .text(text)
                } else {
                    content.append(.text(delta))
                }
            }
        }
    }

    private static func approximateSize(of blocks: [ContentBlock]) -> Int {
        blocks.reduce(0) { total, block in
            switch block {
            case .text(let text): total + text.utf8.count
            case .thinking(let text, _): total + text.utf8.count + 16
            case .redactedThinking(let data): total + data.utf8.count
            case .toolUse, .other: total + 64
            }
        }
    }
}
