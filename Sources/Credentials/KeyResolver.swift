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

/// Finds the effective key by precedence: a key entered this session › the profile asked for by
/// name (`--key-profile NAME` or `PALAVER_KEY_PROFILE`) › `ANTHROPIC_API_KEY` ›
/// `ANTHROPIC_AUTH_TOKEN` (Bearer) › `api_key_helper` › the credentials file (its active profile,
/// else its default key). An empty variable counts as unset. With the stale-variable trap: when
/// the variable holds a key the API rejected before and a different saved key exists, the saved
/// key is used and the user told.
public struct KeyResolver: Sendable {
    public var environment: [String: String]
    public var sessionKey: String?
    public var helper: KeyHelper?
    public var file: CredentialsFile
    public var memory: RejectedKeyMemory
    /// The profile asked for by name on this run (`--key-profile NAME`); `nil` falls back to
    /// `PALAVER_KEY_PROFILE`, then to no explicit choice.
    public var profile: String?

    /// The most fallbacks followed from the effective key.
    public static let fallbackLimit = 4

    /// The profile asked for by name: ``profile``, else a non-empty `PALAVER_KEY_PROFILE`.
    public var chosenProfile: String? {
        if let profile { return profile }
        if let name = environment["PALAVER_KEY_PROFILE"], !name.isEmpty { return name }
        return nil
    }

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
        /// Why the profile asked for by name cannot be used (unknown name, no key, unreadable file):
        /// then no key is used at all, since the user asked for that one.
        public var profileProblem: String?
        /// The fallback chain of the effective key when it came from the credentials file (its
        /// default key or a profile), in order: each `fallback` followed, without cycles, skipping
        /// keys that cannot be used or were rejected, at most ``KeyResolver/fallbackLimit``.
        public var fallbacks: [ResolvedKey] = []

        /// Everything the user should read, in order.
        public var notices: [String] { fixNotices + (staleVariableNotice.map { [$0] } ?? []) }
    }

    public func resolve() -> Resolution {
        var sources: [SourceReport] = []
        var candidates: [ResolvedKey] = []

        /// Inspects a present key (registering it as a secret) and reports it; `nil` when absent.
        func examine(_ raw: String?, source: KeySource, bearer: Bool = false, absent: String, details: [String] = [])
            -> ResolvedKey?
        {
            guard let raw else {
                sources.append(SourceReport(source: source, state: .absent(absent), details: details))
                return nil
            }
            let (resolved, report) = inspect(raw, source: source, bearer: bearer, details: details)
            sources.append(report)
            return resolved
        }
        func consider(_ raw: String?, source: KeySource, bearer: Bool = false, absent: String, details: [String] = []) {
            if let found = examine(raw, source: source, bearer: bearer, absent: absent, details: details) {
                candidates.append(found)
            }
        }

        consider(sessionKey, source: .session, absent: "no key entered this session")
        let loaded = file.load()
        let saved: CredentialsFile.Saved? = if case .saved(let saved) = loaded { saved } else { nil }
        var profileProblem: String?
        if let chosen = chosenProfile {
            let why = "chosen by name (\(profile != nil ? "--key-profile" : "PALAVER_KEY_PROFILE"))"
            if let problem = CredentialsFile.problem(withProfileName: chosen) {
                profileProblem = problem
            } else if case .unusable(let reason, let fix) = loaded {
                profileProblem = "profile \(chosen) cannot be used: \(file.path) is not used: \(reason). \(fix)"
            } else if let saved, let entry = saved.profile(named: chosen) {
                if entry.key == nil {
                    profileProblem = "profile \(chosen) holds no key; save one with `palaver key set --name \(chosen)`."
                }
                consider(
                    entry.key, source: .profile(chosen), absent: "holds no api_key",
                    details: [why] + profileDetails(entry))
            } else {
                profileProblem = (saved ?? CredentialsFile.Saved()).unknownProfileMessage(chosen)
            }
            if let profileProblem, !sources.contains(where: { $0.source == .profile(chosen) }) {
                sources.append(
                    SourceReport(
                        source: .profile(chosen),
                        state: .failed(
                            reason: profileProblem,
                            fix: "Run `palaver key list` to see the profiles, or choose another with --key-profile.")))
            }
        }
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
        // The credentials file: its default key is reported; it yields the active profile's key, else the default key.
        var fileKey: ResolvedKey?
        switch loaded {
        case .missing:
            consider(nil, source: .credentialsFile(file.path), absent: "no saved key (\(file.path))")
        case .saved(let saved):
            var details = ["path: \(file.path)"] + (saved.savedAt.map { ["saved \($0)"] } ?? [])
            if let fallback = saved.fallback { details.append("fallback: \(fallback)") }
            if let active = saved.active { details.append("not used: profile \(active) is active") }
            details += saved.problems
            let defaultKey = examine(
                saved.key, source: .credentialsFile(file.path),
                absent: "no default key (\(file.path) holds profiles only)", details: details)
            fileKey = saved.active == nil ? defaultKey : nil
            for entry in saved.profiles where entry.name != chosenProfile {
                let isActive = entry.name == saved.active
                let found = examine(
                    entry.key, source: .profile(entry.name), absent: "holds no api_key",
                    details: (isActive ? ["active (palaver key use)"] : []) + profileDetails(entry))
                if isActive { fileKey = found }
            }
        case .unusable(let reason, let fix):
            sources.append(
                SourceReport(
                    source: .credentialsFile(file.path),
                    state: .failed(reason: "\(file.path) is not used: \(reason)", fix: fix)))
        }
        if let fileKey { candidates.append(fileKey) }

        if let profileProblem {
            return Resolution(
                key: nil, blocked: nil, sources: sources, health: .missing, profileProblem: profileProblem)
        }
        guard let first = candidates.first else {
            return Resolution(key: nil, blocked: nil, sources: sources, health: .missing)
        }
        let fixNotices = first.inspection.problems.filter { $0.severity == .fixed }.map { "\($0.message) \($0.fix)" }

        // The stale-variable trap: a variable still holding a rejected key hides a newer saved key.
        if case .environment(let name) = first.source, let key = first.inspection.key,
            let rejected = memory.rejectedAt(key),
            let saved = fileKey, let savedKey = saved.inspection.key, savedKey != key,
            memory.rejectedAt(savedKey) == nil
        {
            let notice =
                "\(name) holds \(first.credential.masked), which the API rejected on \(Self.format(rejected)); using the saved key \(saved.credential.masked) \(saved.source.origin) instead. Unset or update \(name) to silence this notice."
            return Resolution(
                key: saved, blocked: nil, sources: sources, fixNotices: fixNotices, staleVariableNotice: notice,
                health: .unverified, fallbacks: fallbacks(of: saved, in: loaded))
        }

        guard first.inspection.isUsable else {
            return Resolution(
                key: nil, blocked: first, sources: sources, fixNotices: fixNotices,
                health: .malformed(first.inspection.fatal?.message ?? "the key cannot be used"))
        }
        return Resolution(
            key: first, blocked: nil, sources: sources, fixNotices: fixNotices, health: .unverified,
            fallbacks: fallbacks(of: first, in: loaded))
    }

    /// A present key from `source`, inspected, registered with the redactor, and its report.
    private func inspect(_ raw: String, source: KeySource, bearer: Bool, details: [String]) -> (
        ResolvedKey, SourceReport
    ) {
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
        return (
            ResolvedKey(
                credential: Credential(secret: secret, scheme: inspection.scheme), source: source,
                inspection: inspection), report
        )
    }

    private func profileDetails(_ entry: CredentialsFile.Profile) -> [String] {
        (entry.fallback.map { ["fallback: \($0)"] } ?? []) + (entry.savedAt.map { ["saved \($0)"] } ?? [])
    }

    /// The fallback chain of `key` when it came from the credentials file.
    private func fallbacks(of key: ResolvedKey, in loaded: CredentialsFile.Loaded) -> [ResolvedKey] {
        guard case .saved(let saved) = loaded else { return [] }
        var name: String
        switch key.source {
        case .credentialsFile: name = CredentialsFile.defaultName
        case .profile(let profile): name = profile
        default: return []
        }
        var visited: Set<String> = [name]
        var chain: [ResolvedKey] = []
        var used: Set<String> = [key.credential.secret]
        while chain.count < Self.fallbackLimit, let next = saved.entry(named: name).fallback, !visited.contains(next) {
            visited.insert(next)
            name = next
            let entry = saved.entry(named: next)
            guard entry.exists else { break }
            guard let raw = entry.key else { continue }
            let source: KeySource = next == CredentialsFile.defaultName ? .credentialsFile(file.path) : .profile(next)
            let (found, _) = inspect(raw, source: source, bearer: false, details: [])
            guard found.inspection.isUsable, let secret = found.inspection.key, !used.contains(secret),
                memory.rejectedAt(secret) == nil
            else { continue }
            used.insert(secret)
            chain.append(found)
        }
        return chain
    }

    static func format(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date)
    }

}
