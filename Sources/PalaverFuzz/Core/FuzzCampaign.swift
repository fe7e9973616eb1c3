import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A case whose check failed: its number, its input and what did not hold.
public struct FuzzFinding: Sendable {
    public var index: Int
    public var input: [UInt8]
    public var message: String
}

/// What a campaign did.
public struct FuzzSummary: Sendable {
    public var cases = 0
    public var failures = 0
    public var seconds = 0.0
    /// The case that took longest, and its seconds.
    public var slowest: (index: Int, seconds: Double)?

    public init() {}
}

/// Runs cases of one target in this process: case `k` mutates an input of the corpus with a
/// generator made from (seed, k), then checks it with a second one, so any case can be run again
/// alone (``runCase(_:)``).
public struct FuzzCampaign {
    public let entry: FuzzCatalog.Entry
    public let seed: UInt64
    /// Seed inputs: the target's own, then the corpus folder's files, in name order.
    public private(set) var corpus: [[UInt8]]
    private var target: any FuzzTarget
    private let mutator = FuzzMutator()

    public init(entry: FuzzCatalog.Entry, seed: UInt64, corpusDirectory: String? = FuzzPaths.corpus) throws {
        self.entry = entry
        self.seed = seed
        target = try entry.makeTarget()
        corpus = target.seeds
        if let corpusDirectory {
            for path in FuzzPaths.inputFiles(in: corpusDirectory + "/" + entry.name) {
                if let data = FileManager.default.contents(atPath: path) { corpus.append([UInt8](data)) }
            }
        }
        if corpus.isEmpty { corpus = [[]] }
    }

    /// The input of case `index`.
    public func input(ofCase index: Int) -> [UInt8] {
        var random = FuzzRandom(seed: seed, case: UInt64(index), stream: 0)
        let base = corpus[random.below(corpus.count)]
        if random.oneIn(8) { return base }
        return mutator.mutate(
            base, corpus: corpus, dictionary: target.dictionary, nesting: target.nestingTokens,
            maxLength: target.maxInputLength, random: &random)
    }

    /// Checks `input` as case `index` would.
    public mutating func check(_ input: [UInt8], asCase index: Int) throws(FuzzFailure) {
        var random = FuzzRandom(seed: seed, case: UInt64(index), stream: 1)
        try target.check(input, random: &random)
    }

    /// Runs case `index` alone.
    public mutating func runCase(_ index: Int) throws(FuzzFailure) {
        try check(input(ofCase: index), asCase: index)
    }

    /// Runs cases `start..<start+count`. Before each case its number and input are written to
    /// `recordPath` (when given) so a supervisor can keep the input of a case that crashes.
    public mutating func run(
        cases count: Int, from start: Int = 0, recordPath: String? = nil,
        onFailure: (FuzzFinding) -> Void
    ) -> FuzzSummary {
        let clock = ContinuousClock()
        let began = clock.now
        var summary = FuzzSummary()
        let record = recordPath.map { open($0, O_CREAT | O_TRUNC | O_WRONLY, 0o600) } ?? -1
        defer { if record >= 0 { close(record) } }
        var frame: [UInt8] = []
        for index in start..<(start + count) {
            let input = input(ofCase: index)
            if record >= 0 {
                frame.removeAll(keepingCapacity: true)
                withUnsafeBytes(of: UInt64(index).littleEndian) { frame += $0 }
                withUnsafeBytes(of: UInt64(input.count).littleEndian) { frame += $0 }
                frame += input
                _ = frame.withUnsafeBytes { pwrite(record, $0.baseAddress, $0.count, 0) }
            }
            let caseStart = clock.now
            do {
                try check(input, asCase: index)
            } catch {
                summary.failures += 1
                onFailure(FuzzFinding(index: index, input: input, message: error.message))
            }
            let took = Self.seconds(clock.now - caseStart)
            if took > (summary.slowest?.seconds ?? -1) { summary.slowest = (index, took) }
            summary.cases += 1
        }
        summary.seconds = Self.seconds(clock.now - began)
        return summary
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// The case number and input a record file holds (see ``run(cases:from:recordPath:onFailure:)``).
    public static func readRecord(_ path: String) -> (index: Int, input: [UInt8])? {
        guard let data = FileManager.default.contents(atPath: path), data.count >= 16 else { return nil }
        let bytes = [UInt8](data)
        func word(_ at: Int) -> UInt64 { (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[at + $1]) << (8 * UInt64($1)) } }
        let index = word(0)
        let length = word(8)
        guard length <= UInt64(bytes.count - 16), index <= UInt64(Int.max) else { return nil }
        return (Int(index), Array(bytes[16..<(16 + Int(length))]))
    }
}
