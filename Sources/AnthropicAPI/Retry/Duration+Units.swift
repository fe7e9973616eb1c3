extension Duration {
    /// Whole milliseconds (truncated).
    public var inMilliseconds: Int {
        let (s, attos) = components
        return Int(s) * 1000 + Int(attos / 1_000_000_000_000_000)
    }

    /// Seconds as a floating-point number.
    public var inSeconds: Double {
        let (s, attos) = components
        return Double(s) + Double(attos) / 1e18
    }

    /// For people: "250 ms", "1.5 s", "12 s", "2 min".
    public var spoken: String {
        let s = inSeconds
        if s < 1 { return "\(Int((s * 1000).rounded())) ms" }
        if s < 90 { return s == s.rounded() ? "\(Int(s)) s" : "\((s * 10).rounded() / 10) s" }
        return "\(Int((s / 60).rounded())) min"
    }
}
