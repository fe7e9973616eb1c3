/// One parser of untrusted input, wrapped for fuzzing: seed inputs, mutation hints, and a
/// check that runs one input through the parser and verifies what must hold.
public protocol FuzzTarget {
    /// The name on the command line and the folder under `Tests/Fuzz/Corpus` and `Crashes`.
    static var name: String { get }
    /// What is fuzzed, in one line.
    static var summary: String { get }

    /// Inputs the campaign starts from (the corpus folder adds more).
    var seeds: [[UInt8]] { get }
    /// Tokens the mutator inserts besides the generic interesting bytes.
    var dictionary: [[UInt8]] { get }
    /// Tokens that open one level of nesting; the mutator repeats them up to 100,000 times.
    var nestingTokens: [[UInt8]] { get }
    /// Inputs are cut to this many bytes after mutation.
    var maxInputLength: Int { get }

    /// Runs `input` through the parser; throws when an invariant does not hold. `random` picks
    /// split points and other choices, so a case is reproducible from its seed.
    mutating func check(_ input: [UInt8], random: inout FuzzRandom) throws(FuzzFailure)
}

extension FuzzTarget {
    public var dictionary: [[UInt8]] { [] }
    public var nestingTokens: [[UInt8]] { [] }
    public var maxInputLength: Int { 16 * 1024 }
}

/// The UTF-8 bytes of `text`.
func utf8(_ text: String) -> [UInt8] { Array(text.utf8) }
