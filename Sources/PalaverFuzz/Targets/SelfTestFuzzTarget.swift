#if canImport(Glibc)
    import Glibc
#endif

/// A target that crashes on purpose (on an input holding `boom`) and breaks its invariant on
/// `fail`, so tests can show the supervisor keeps such inputs. Not part of `all`.
struct SelfTestFuzzTarget: FuzzTarget {
    static let name = "selftest"
    static let summary = "the driver's own test: aborts on an input holding \"boom\", fails on \"fail\" (not in all)"

    var seeds: [[UInt8]] { ["quiet", "boom", "fail"].map(utf8) }

    func check(_ input: [UInt8], random: inout FuzzRandom) throws(FuzzFailure) {
        let text = String(decoding: input, as: UTF8.self)
        if text == "boom" { abort() }
        try require(text != "fail", "the input says fail")
    }
}
