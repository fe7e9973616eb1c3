extension Duration {
    /// Whole milliseconds (truncated), saturating at `Int.min`/`Int.max` instead of trapping.
    public var inMilliseconds: Int {
        let (s, attos) = components
        let (whole, overflow) = Int(s).multipliedReportingOverflow(by: 1000)
        if overflow { return s < 0 ? .min : .max }
        let (sum, overflow2) = whole.addingReportingOverflow(Int(attos / 1_000_000_000_000_000))
        if overflow2 { return s < 0 ? .min : .max }
        return sum
    }

    /// Seconds as a floating-point number.
    public var inSeconds: Double {
        let (s, attos) = components
        return Double(s) + Double(attos) / 1e18
    }

    /// A duration of `seconds`, clamped to `0...limit`; `nil` for NaN or a negative number.
    /// Safe for any number read from the network or a file (never traps).
    public static func clampedSeconds(_ seconds: Double, limit: Duration = .seconds(Duration.maxServerWaitSeconds))
        -> Duration?
    {
        guard !seconds.isNaN, seconds >= 0 else { return nil }
        let cap = limit.inSeconds
        if seconds >= cap { return limit }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }

    /// The longest wait palaver believes from a server (400 days); longer asks are clamped to it.
    public static let maxServerWaitSeconds: Int64 = 400 * 86_400

    /// For people: "250 ms", "1.5 s", "12 s", "2 min", "3 h", "5 days", "more than a year".
    public var spoken: String {
        let s = inSeconds
        guard s.isFinite else { return "an unknown time" }
        if s < 1 { return "\(Int((max(0, s) * 1000).rounded())) ms" }
        if s < 90 { return s == s.rounded() ? "\(Int(s)) s" : "\((s * 10).rounded() / 10) s" }
        if s < 90 * 60 { return "\(Int((s / 60).rounded())) min" }
        if s < 48 * 3600 { return "\(Int((s / 3600).rounded())) h" }
        if s < 365 * 86_400 { return "\(Int((s / 86_400).rounded())) days" }
        return "more than a year"
    }
}
