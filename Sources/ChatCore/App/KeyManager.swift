import Credentials
import Foundation

/// One place a key can come from, as the key manager lists it: what it holds (masked), its
/// health as far as palaver knows, when the API last accepted it, and why it is or is not the
/// key in use. Never holds the key.
public struct KeySourceRow: Sendable, Equatable {
    public enum Holding: Sendable, Equatable {
        /// Nothing there; the reason says what was looked at ("ANTHROPIC_AUTH_TOKEN is not set").
        case nothing(String)
        /// A key that can be sent.
        case usable
        /// A value that cannot be a key as it is (the diagnosis), or a source that failed (a
        /// helper that exited non-zero, a credentials file others can read).
        case unusable(String)
    }

    public var source: KeySource
    public var masked: String?
    public var holding: Holding
    /// The key in use right now comes from here.
    public var isEffective: Bool
    /// Why it is, or is not, the key in use, as a sentence fragment ("in use: first in line").
    public var why: String
    /// When the API last accepted this key, and when it last refused it (from the key memory).
    public var verifiedAt: Date?
    public var rejectedAt: Date?
    /// Further facts the resolver found (the file's path, a profile's fallback, the helper's run time).
    public var details: [String]

    public init(
        source: KeySource, masked: String?, holding: Holding, isEffective: Bool, why: String,
        verifiedAt: Date? = nil, rejectedAt: Date? = nil, details: [String] = []
    ) {
        self.source = source
        self.masked = masked
        self.holding = holding
        self.isEffective = isEffective
        self.why = why
        self.verifiedAt = verifiedAt
        self.rejectedAt = rejectedAt
        self.details = details
    }

    /// Whether "use this key" can apply to the row.
    public var canUse: Bool { holding == .usable && !isEffective }

    /// Whether palaver can forget what the row holds: a key entered in this session, the saved
    /// default key or a profile. Variables and the helper belong to the user's shell and config.
    public var canForget: Bool {
        if case .nothing = holding { return false }
        switch source {
        case .session, .credentialsFile, .profile: return true
        case .environment, .helper: return false
        }
    }

    /// The rows for every source a resolution looked at, in precedence order. `current` is the
    /// secret requests use now (nil: none); `verifiedAt`/`rejectedAt` read the key memory; `now`
    /// words their dates.
    public static func rows(
        from resolution: KeyResolver.Resolution, current: String?, now: Date,
        verifiedAt: (String) -> Date? = { _ in nil }, rejectedAt: (String) -> Date? = { _ in nil }
    ) -> [KeySourceRow] {
        let keyOf: (SourceReport) -> String? = { report in
            if case .present(let inspection, _) = report.state { return inspection.key }
            return nil
        }
        let effective = resolution.sources.firstIndex { report in
            guard let current, let key = keyOf(report) else { return false }
            return key == current
        }
        let firstInLine = resolution.key?.source
        return resolution.sources.enumerated().map { index, report in
            var row = KeySourceRow(
                source: report.source, masked: nil, holding: .nothing(""), isEffective: index == effective, why: "",
                details: report.details.filter { !$0.hasPrefix("the API rejected this key") })
            switch report.state {
            case .absent(let reason):
                row.holding = .nothing(reason)
                row.why = reason
                return row
            case .failed(let reason, let fix):
                row.holding = .unusable("\(reason) \(fix)")
                row.why = "cannot be used: \(reason)"
                return row
            case .present(let inspection, let masked):
                row.masked = masked
                guard let key = inspection.key else {
                    let reason = inspection.fatal?.message ?? "the value cannot be used as a key"
                    row.holding = .unusable(reason)
                    row.why = "cannot be used: \(reason)"
                    return row
                }
                row.holding = .usable
                row.verifiedAt = verifiedAt(key)
                row.rejectedAt = rejectedAt(key)
                row.why = why(
                    row, index: index, effective: effective,
                    effectiveSource: effective.map { resolution.sources[$0].source }, firstInLine: firstInLine, now: now
                )
                return row
            }
        }
    }

    /// Why a row holding a usable key is or is not the one in use.
    private static func why(
        _ row: KeySourceRow, index: Int, effective: Int?, effectiveSource: KeySource?, firstInLine: KeySource?,
        now: Date
    ) -> String {
        if row.isEffective {
            return row.source == firstInLine ? "in use: first in line" : "in use: chosen in this session"
        }
        if let rejected = row.rejectedAt {
            return "not used: the API rejected it \(KeyMonitor.when(rejected, now: now))"
        }
        if case .profile = row.source, !row.details.contains(where: { $0.hasPrefix("active") }),
            row.source != firstInLine
        {
            return "not used: not the active profile"
        }
        if row.details.contains(where: { $0.hasPrefix("not used:") }) {
            return row.details.first { $0.hasPrefix("not used:") } ?? ""
        }
        guard let effective, let effectiveSource else { return "not used: no key is in use" }
        return index < effective
            ? "not used: you switched to \(effectiveSource) in this session"
            : "not used: \(effectiveSource) comes first"
    }
}

/// The key manager: every key source with its state, and the one piece of work under way.
/// Lives in ``ChatState/keyManager`` while open; the layer keeps which row is selected.
public struct KeyManager: Sendable, Equatable {
    public internal(set) var rows: [KeySourceRow] = []
    /// The sources are being read (at opening and after every change).
    public internal(set) var loading = true
    /// Work under way ("Checking the key from ANTHROPIC_API_KEY…"); keys are ignored meanwhile.
    public internal(set) var busy: String?
    /// The outcome of the last action, and whether it is bad news.
    public internal(set) var message: String?
    public internal(set) var messageIsError = false

    public init() {}

    mutating func say(_ text: String, error: Bool) {
        busy = nil
        message = text
        messageIsError = error
    }
}
