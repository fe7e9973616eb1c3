import AnthropicAPI
import Foundation

/// The key palaver will use, where it came from and what was found on the way.
public struct ResolvedKey: Sendable, Equatable {
    public var credential: Credential
    public var source: KeySource
    public var inspection: KeyInspection

    /// `sk-ant-…abcd from ANTHROPIC_API_KEY`.
    public var description: String { "\(credential.masked) \(source.origin)" }
}

/// What one key source held, for `palaver doctor`.
public struct SourceReport: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        case absent(String)
        case present(KeyInspection, masked: String)
        case failed(reason: String, fix: String)
    }

    public var source: KeySource
    public var state: State
    /// Extra facts (the helper's run time, the file's path and mode, a rejection date).
    public var details: [String] = []
}

/// Finds the effective key by precedence: a key entered this session › `ANTHROPIC_API_KEY` ›
/// `ANTHROPIC_AUTH_TOKEN` (Bearer) › `api_key_helper` › the credentials file. An empty variable
/// counts as unset. With the stale-variable trap: when the variable holds a key the API
/// rejected before and a different saved key exists, the saved key is used and the user told.
public struct KeyResolver: Sendable {
    public var environment: [String: String]
    public var sessionKey: String?
    public var helper: KeyHelper?
    public var file: CredentialsFile
    public var memory: RejectedKeyMemory

    public init(
        environment: [String: String], sessionKey: String? = nil, helper: KeyHelper?,
        file: CredentialsFile, memory: RejectedKeyMemory
    ) {
        self.environment = environment
        self.sessionKey = sessionKey
        self.helper = helper
        self.file = file
        self.memory = memory
    }

    public struct Resolution: Sendable {
        /// The key to use, or `nil` (then `health` says why: missing or malformed).
        public var key: ResolvedKey?
        /// The first present source when its key cannot be used (so nothing is sent).
        public var blocked: ResolvedKey?
        public var sources: [SourceReport]
        /// What the user should read about automatic fixes (trimmed keys) of the effective source.
        public var fixNotices: [String] = []
        /// Set when the stale-variable trap switched to the saved key: says so plainly.
        public var staleVariableNotice: String?
        /// The starting health: missing, malformed or unverified.
        public var health: KeyHealth

        /// Everything the user should read, in order.
        public var notices: [String] { fixNotices + (staleVariableNotice.map { [$0] } ?? []) }
    }

    public func resolve() -> Resolution {
        var sources: [SourceReport] = []
        var candidates: [(ResolvedKey, SourceReport)] = []

        func consider(_ raw: String?, source: KeySource, bearer: Bool = false, absent: String, details: [String] = []) {
            guard let raw else {
                sources.append(SourceReport(source: source, state: .absent(absent), details: details))
                return
            }
            let inspection = KeyDiagnosis.inspect(raw, source: source, bearer: bearer)
            // Every candidate is a secret, used or not, well-formed or not: from here on no output path shows any piece of it.
            inspection.secrets.forEach { Redactor.shared.register($0) }
            let secret = inspection.key ?? raw
            var report = SourceReport(
                source: source,
                state: .present(inspection, masked: Secrets.mask(secret.trimmingWhitespaceAndInvisibles())),
                details: details)
            if let key = inspection.key, let date = memory.rejectedAt(key) {
                report.details.append("the API rejected this key on \(Self.format(date))")
            }
            sources.append(report)
            candidates.append(
                (
                    ResolvedKey(
                        credential: Credential(secret: secret, scheme: inspection.scheme), source: source,
                        inspection: inspection), report
                ))
        }

        consider(sessionKey, source: .session, absent: "no key entered this session")
        for (name, bearer) in [("ANTHROPIC_API_KEY", false), ("ANTHROPIC_AUTH_TOKEN", true)] {
            switch environment[name] {
            case nil: consider(nil, source: .environment(name), absent: "\(name) is not set")
            case ""?: consider(nil, source: .environment(name), absent: "\(name) is set but empty (counts as unset)")
            case let value?: consider(value, source: .environment(name), bearer: bearer, absent: "")
            }
        }
        if let helper {
            switch helper.current() {
            case .success(let run):
                consider(
                    run.output, source: .helper, absent: "",
                    details: [
                        "command: \(KeyHelper.display(helper.command))", "ran in \(run.elapsed.inMilliseconds) ms",
                    ])
            case .failure(let failure):
                sources.append(
                    SourceReport(
                        source: .helper,
                        state: .failed(
                            reason: failure.message,
                            fix: "Fix the command in api_key_helper (config.toml), or remove it."),
                        details: ["command: \(KeyHelper.display(helper.command))"]))
            }
        } else {
            consider(nil, source: .helper, absent: "no api_key_helper in config.toml")
        }
        switch file.read() {
        case .missing:
            consider(nil, source: .credentialsFile(file.path), absent: "no saved key (\(file.path))")
        case .key(let key, let savedAt):
            consider(
                key, source: .credentialsFile(file.path), absent: "",
                details: ["path: \(file.path)"] + (savedAt.map { ["saved \($0)"] } ?? []))
        case .unusable(let reason, let fix):
            sources.append(
                SourceReport(
                    source: .credentialsFile(file.path),
                    state: .failed(reason: "\(file.path) is not used: \(reason)", fix: fix)))
        }

        guard let first = candidates.first?.0 else {
            return Resolution(key: nil, blocked: nil, sources: sources, health: .missing)
        }
        let fixNotices = first.inspection.problems.filter { $0.severity == .fixed }.map { "\($0.message) \($0.fix)" }

        // The stale-variable trap: a variable still holding a rejected key hides a newer saved key.
        if case .environment(let name) = first.source, let key = first.inspection.key,
            let rejected = memory.rejectedAt(key),
            let saved = candidates.first(where: {
                if case .credentialsFile = $0.0.source { return true } else { return false }
            })?.0,
            let savedKey = saved.inspection.key, savedKey != key, memory.rejectedAt(savedKey) == nil
        {
            let notice =
                "\(name) holds \(first.credential.masked), which the API rejected on \(Self.format(rejected)); using the saved key \(saved.credential.masked) from the credentials file instead. Unset or update \(name) to silence this notice."
            return Resolution(
                key: saved, blocked: nil, sources: sources, fixNotices: fixNotices, staleVariableNotice: notice,
                health: .unverified)
        }

        guard first.inspection.isUsable else {
            return Resolution(
                key: nil, blocked: first, sources: sources, fixNotices: fixNotices,
                health: .malformed(first.inspection.fatal?.message ?? "the key cannot be used"))
        }
        return Resolution(key: first, blocked: nil, sources: sources, fixNotices: fixNotices, health: .unverified)
    }

    static func format(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date)
    }

}
