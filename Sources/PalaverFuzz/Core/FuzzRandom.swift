/// A small deterministic random number generator (SplitMix64), so every fuzz case can be
/// regenerated from the campaign seed and its case number.
public struct FuzzRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// The generator for one stream (`stream` 0 makes the input, 1 drives the check) of case
    /// `index` in the campaign with `seed`: independent of every other case.
    public init(seed: UInt64, case index: UInt64, stream: UInt64) {
        var mixer = FuzzRandom(seed: seed ^ 0x5DEE_CE66_D1CE_4E5B)
        let a = mixer.next()
        state = a ^ (index &* 0x9E37_79B9_7F4A_7C15) ^ (stream &* 0xD1B5_4A32_D192_ED03)
        _ = next()
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<bound` (0 when `bound` is not positive).
    public mutating func below(_ bound: Int) -> Int {
        bound <= 0 ? 0 : Int(next() % UInt64(bound))
    }

    /// True once in `n` times on average.
    public mutating func oneIn(_ n: Int) -> Bool { below(n) == 0 }

    /// A random element (nil for an empty collection).
    public mutating func pick<C: RandomAccessCollection>(_ items: C) -> C.Element? where C.Index == Int {
        items.isEmpty ? nil : items[items.startIndex + below(items.count)]
    }
}
