import Credentials
import Foundation

/// The effective key as the status bar shows it: its health, masked form and source. Never
/// holds the key itself.
public struct KeyStatus: Sendable, Equatable {
    public var machine: KeyHealthMachine
    /// `sk-ant-…abcd`, or nil when there is no key.
    public var masked: String?
    public var source: KeySource?

    public init(health: KeyHealth, masked: String?, source: KeySource?) {
        self.machine = KeyHealthMachine(health: health)
        self.masked = masked
        self.source = source
    }

    /// The status of what a resolution found (a blocked key is shown as what it is).
    public init(resolution: KeyResolver.Resolution) {
        let key = resolution.key ?? resolution.blocked
        self.init(health: resolution.health, masked: key?.credential.masked, source: key?.source)
    }

    public var health: KeyHealth { machine.health }

    /// The API said no to this key (401): sending with it again is pointless.
    public var isRejected: Bool {
        if case .rejected = health { return true }
        return false
    }

    /// `sk-ant-…abcd from ANTHROPIC_API_KEY`, for error reports.
    public var description: String? {
        guard let masked else { return nil }
        return source.map { "\(masked) \($0.origin)" } ?? masked
    }
}
