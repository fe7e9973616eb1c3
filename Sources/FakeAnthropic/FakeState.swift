import Synchronization

/// The fake's mutable state: keys, queued faults, reply config, models, rate-limit headers and the
/// request log.
///
/// Every method is synchronous and thread-safe (the values live in a `Mutex`); call it from any
/// thread or task, before or while the server runs. Changes apply to the next request that
/// reads them.
public final class FakeState: Sendable {
    /// Everything that changes, guarded as one value.
    private struct Storage {
        var keyTable: [String: FakeKeyStatus]
        var faultQueue: [Fault] = []
        var replyConfig: ReplyConfig
        var modelList: [ModelInfo]
        var rateLimits: FakeRateLimits
        var log: [LoggedRequest] = []
        var active = 0
        var stopping = false
    }

    private let initial: FakeConfiguration
    private let storage: Mutex<Storage>

    init(configuration: FakeConfiguration) {
        self.initial = configuration
        self.storage = Mutex(
            Storage(
                keyTable: configuration.keys, replyConfig: configuration.reply,
                modelList: configuration.models, rateLimits: configuration.rateLimits))
    }

    private func locked<T>(_ body: (inout Storage) throws -> T) rethrows -> T {
        try storage.withLock { try body(&$0) }
    }

    // MARK: Keys

    /// Adds a key, or changes the status of a known key.
    public func addKey(_ key: String, status: FakeKeyStatus = .valid) {
        locked { s in s.keyTable[key] = status }
    }

    /// Same as `addKey(_:status:)`.
    public func setKeyStatus(_ key: String, _ status: FakeKeyStatus) {
        addKey(key, status: status)
    }

    /// Marks a key revoked (401 "invalid x-api-key" from now on). Unknown keys are added as revoked.
    public func revokeKey(_ key: String) {
        addKey(key, status: .revoked)
    }

    /// Forgets a key entirely (then it is "unknown": also 401).
    public func removeKey(_ key: String) {
        _ = locked { s in s.keyTable.removeValue(forKey: key) }
    }

    /// The status of a key, or nil if unknown.
    public func keyStatus(_ key: String) -> FakeKeyStatus? {
        locked { s in s.keyTable[key] }
    }

    /// All keys (unmasked — for in-process tests only; the HTTP control API masks them).
    public func keys() -> [String: FakeKeyStatus] {
        locked { s in s.keyTable }
    }

    // MARK: Faults

    public func enqueueFault(_ fault: Fault) {
        var f = fault
        f.times = max(1, f.times)
        locked { s in s.faultQueue.append(f) }
    }

    public func enqueueFaults(_ faults: [Fault]) {
        for f in faults { enqueueFault(f) }
    }

    /// Queued faults, in order, with their remaining `times`.
    public func pendingFaults() -> [Fault] {
        locked { s in s.faultQueue }
    }

    public func clearFaults() {
        locked { s in s.faultQueue.removeAll() }
    }

    /// Takes the first queued fault matching `endpoint` (a path like "/v1/messages"),
    /// decrementing its `times` and removing it when used up.
    func takeFault(for endpoint: String) -> Fault? {
        locked { s in
            guard let idx = s.faultQueue.firstIndex(where: { $0.path == "*" || $0.path == endpoint }) else {
                return nil
            }
            let fault = s.faultQueue[idx]
            if fault.times <= 1 {
                s.faultQueue.remove(at: idx)
            } else {
                s.faultQueue[idx].times -= 1
            }
            return fault
        }
    }

    // MARK: Reply, models

    public func setReply(_ reply: ReplyConfig) {
        locked { s in s.replyConfig = reply }
    }

    public func reply() -> ReplyConfig {
        locked { s in s.replyConfig }
    }

    public func setModels(_ models: [ModelInfo]) {
        locked { s in s.modelList = models }
    }

    public func models() -> [ModelInfo] {
        locked { s in s.modelList }
    }

    /// Sets the rate-limit headers sent on successful answers from now on.
    public func setRateLimits(_ limits: FakeRateLimits) {
        locked { s in s.rateLimits = limits }
    }

    public func rateLimits() -> FakeRateLimits {
        locked { s in s.rateLimits }
    }

    // MARK: Request log

    /// Logged /v1 requests, oldest first.
    public func requests() -> [LoggedRequest] {
        locked { s in s.log }
    }

    public func clearRequests() {
        locked { s in s.log.removeAll() }
    }

    func appendRequest(_ entry: LoggedRequest) {
        locked { s in s.log.append(entry) }
    }

    func recordOutcome(requestID: String, status: Int, fault: Fault.Kind? = nil) {
        locked { s in
            if let idx = s.log.lastIndex(where: { $0.requestID == requestID }) {
                s.log[idx].status = status
                if let fault { s.log[idx].fault = fault }
            }
        }
    }

    // MARK: Activity

    /// Number of API responses currently being produced (a stalled or slow stream counts until
    /// it ends or its client goes away). Useful to check that nothing is left running.
    public func activeResponses() -> Int {
        locked { s in s.active }
    }

    func setStopping(_ value: Bool) { locked { s in s.stopping = value } }
    var isStopping: Bool { locked { s in s.stopping } }

    func beginActive() { locked { s in s.active += 1 } }
    func endActive() { locked { s in s.active -= 1 } }

    // MARK: Reset

    /// Keys back to the initial ones, faults cleared, reply, models and rate limits back to the
    /// configuration's, request log cleared.
    public func reset() {
        locked { s in
            s.keyTable = initial.keys
            s.faultQueue.removeAll()
            s.replyConfig = initial.reply
            s.modelList = initial.models
            s.rateLimits = initial.rateLimits
            s.log.removeAll()
        }
    }
}
