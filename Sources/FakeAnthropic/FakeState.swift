import Foundation

/// The fake's mutable state: keys, queued faults, reply config, models and the request log.
///
/// Every method is synchronous and thread-safe (guarded by a lock); call it from any thread or
/// task, before or while the server runs. Changes apply to the next request that reads them.
public final class FakeState: @unchecked Sendable {
    private let lock = NSLock()
    private let initial: FakeConfiguration

    private var keyTable: [String: KeyStatus]
    private var faultQueue: [Fault] = []
    private var replyConfig: ReplyConfig
    private var modelList: [ModelInfo]
    private var log: [LoggedRequest] = []
    private var active = 0
    private var stopping = false

    init(configuration: FakeConfiguration) {
        self.initial = configuration
        self.keyTable = configuration.keys
        self.replyConfig = configuration.reply
        self.modelList = configuration.models
    }

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    // MARK: Keys

    /// Adds a key, or changes the status of a known key.
    public func addKey(_ key: String, status: KeyStatus = .valid) {
        locked { keyTable[key] = status }
    }

    /// Same as `addKey(_:status:)`.
    public func setKeyStatus(_ key: String, _ status: KeyStatus) {
        addKey(key, status: status)
    }

    /// Marks a key revoked (401 "invalid x-api-key" from now on). Unknown keys are added as revoked.
    public func revokeKey(_ key: String) {
        addKey(key, status: .revoked)
    }

    /// Forgets a key entirely (then it is "unknown": also 401).
    public func removeKey(_ key: String) {
        _ = locked { keyTable.removeValue(forKey: key) }
    }

    /// The status of a key, or nil if unknown.
    public func keyStatus(_ key: String) -> KeyStatus? {
        locked { keyTable[key] }
    }

    /// All keys (unmasked — for in-process tests only; the HTTP control API masks them).
    public func keys() -> [String: KeyStatus] {
        locked { keyTable }
    }

    // MARK: Faults

    public func enqueueFault(_ fault: Fault) {
        var f = fault
        f.times = max(1, f.times)
        locked { faultQueue.append(f) }
    }

    public func enqueueFaults(_ faults: [Fault]) {
        for f in faults { enqueueFault(f) }
    }

    /// Queued faults, in order, with their remaining `times`.
    public func pendingFaults() -> [Fault] {
        locked { faultQueue }
    }

    public func clearFaults() {
        locked { faultQueue.removeAll() }
    }

    /// Takes the first queued fault matching `endpoint` (a path like "/v1/messages"),
    /// decrementing its `times` and removing it when used up.
    func takeFault(for endpoint: String) -> Fault? {
        locked {
            guard let idx = faultQueue.firstIndex(where: { $0.path == "*" || $0.path == endpoint }) else {
                return nil
            }
            let fault = faultQueue[idx]
            if fault.times <= 1 {
                faultQueue.remove(at: idx)
            } else {
                faultQueue[idx].times -= 1
            }
            return fault
        }
    }

    // MARK: Reply, models

    public func setReply(_ reply: ReplyConfig) {
        locked { replyConfig = reply }
    }

    public func reply() -> ReplyConfig {
        locked { replyConfig }
    }

    public func setModels(_ models: [ModelInfo]) {
        locked { modelList = models }
    }

    public func models() -> [ModelInfo] {
        locked { modelList }
    }

    // MARK: Request log

    /// Logged /v1 requests, oldest first.
    public func requests() -> [LoggedRequest] {
        locked { log }
    }

    public func clearRequests() {
        locked { log.removeAll() }
    }

    func appendRequest(_ entry: LoggedRequest) {
        locked { log.append(entry) }
    }

    func recordOutcome(requestID: String, status: Int, fault: Fault.Kind? = nil) {
        locked {
            if let idx = log.lastIndex(where: { $0.requestID == requestID }) {
                log[idx].status = status
                if let fault { log[idx].fault = fault }
            }
        }
    }

    // MARK: Activity

    /// Number of API responses currently being produced (a stalled or slow stream counts until
    /// it ends or its client goes away). Useful to check that nothing is left running.
    public func activeResponses() -> Int {
        locked { active }
    }

    func setStopping(_ value: Bool) { locked { stopping = value } }
    var isStopping: Bool { locked { stopping } }

    func beginActive() { locked { active += 1 } }
    func endActive() { locked { active -= 1 } }

    // MARK: Reset

    /// Keys back to the initial ones, faults cleared, reply and models back to the
    /// configuration's, request log cleared.
    public func reset() {
        locked {
            keyTable = initial.keys
            faultQueue.removeAll()
            replyConfig = initial.reply
            modelList = initial.models
            log.removeAll()
        }
    }
}
