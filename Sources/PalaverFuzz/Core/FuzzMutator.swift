/// Byte-level mutations of fuzz inputs: flip, overwrite, insert, delete, splice, repeat,
/// insert interesting bytes (ESC, NUL, 0xFF, C1 controls, broken UTF-8, huge numbers) and
/// deep nesting.
public struct FuzzMutator: Sendable {
    /// Bytes and strings that break parsers more often than random ones do.
    public static let interesting: [[UInt8]] = [
        [0x1B], [0x00], [0xFF], [0xFE], [0x7F], [0x9B], [0x9D], [0x85], [0xC0], [0xC3], [0xE2, 0x80],
        [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF0, 0x9F, 0x98], [0xEF, 0xBB, 0xBF],
        [0xE2, 0x80, 0xAE], [0xE2, 0x80, 0x8B], [0xCC, 0x81], [0x0D], [0x0A], [0x0D, 0x0A], [0x09], [0x07],
        utf8("\u{1B}["), utf8("\u{1B}]52;c;"), utf8("\u{1B}[200~"), utf8("\u{1B}[201~"), utf8("\u{1B}P"),
        utf8("\u{1B}\\"),
        utf8("99999999999999999999999999999999999999"), utf8("9223372036854775807"), utf8("9223372036854775808"),
        utf8("-9223372036854775808"), utf8("-9223372036854775809"), utf8("18446744073709551616"),
        utf8("1e308"), utf8("1e309"), utf8("-1e309"), utf8("9.3e18"), utf8("4.9e-324"), utf8("inf"), utf8("-inf"),
        utf8("nan"), utf8("NaN"), utf8("infinity"), utf8("-0"), utf8("0x7fffffffffffffff"), utf8("0x8000000000000000"),
        utf8("2147483648"), utf8("4294967296"), utf8("-1"), utf8("0"), utf8("65536"), utf8("1114112"),
        utf8("\""), utf8("\\"), utf8("\\u0000"), utf8("\\uD800"), utf8("\\uDC00\\uD800"), utf8("\\u001b"),
    ]

    public init() {}

    /// One to four stacked mutations of `input`, cut to `maxLength` bytes.
    public func mutate(
        _ input: [UInt8], corpus: [[UInt8]], dictionary: [[UInt8]], nesting: [[UInt8]],
        maxLength: Int, random: inout FuzzRandom
    ) -> [UInt8] {
        var bytes = input
        var deep = false
        let rounds = 1 + random.below(4)
        for _ in 0..<rounds {
            deep = mutateOnce(&bytes, corpus: corpus, dictionary: dictionary, nesting: nesting, random: &random) || deep
        }
        // Deeply nested inputs keep their length: their point is to be long.
        if bytes.count > maxLength && !deep { bytes.removeLast(bytes.count - maxLength) }
        return bytes
    }

    /// Applies one mutation; true when it nested deeply.
    private func mutateOnce(
        _ bytes: inout [UInt8], corpus: [[UInt8]], dictionary: [[UInt8]], nesting: [[UInt8]],
        random: inout FuzzRandom
    ) -> Bool {
        let position = random.below(bytes.count + 1)
        switch random.below(12) {
        case 0 where !bytes.isEmpty: // flip a bit
            let i = random.below(bytes.count)
            bytes[i] ^= UInt8(1) << UInt8(random.below(8))
        case 1 where !bytes.isEmpty: // overwrite a byte
            bytes[random.below(bytes.count)] = UInt8(truncatingIfNeeded: random.next())
        case 2: // insert random bytes
            let count = 1 + random.below(8)
            bytes.insert(contentsOf: (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }, at: position)
        case 3 where !bytes.isEmpty: // delete a range
            let start = random.below(bytes.count)
            let length = 1 + random.below(min(64, bytes.count - start))
            bytes.removeSubrange(start..<(start + length))
        case 4: // splice in part of another input
            guard let other = random.pick(corpus), !other.isEmpty else { return false }
            let start = random.below(other.count)
            let length = 1 + random.below(other.count - start)
            if random.oneIn(2), !bytes.isEmpty {
                let cut = random.below(bytes.count)
                bytes.replaceSubrange(cut..<bytes.count, with: other[start..<(start + length)])
            } else {
                bytes.insert(contentsOf: other[start..<(start + length)], at: position)
            }
        case 5 where !bytes.isEmpty: // repeat a range
            let start = random.below(bytes.count)
            let length = 1 + random.below(min(16, bytes.count - start))
            let times = random.oneIn(8) ? 1 + random.below(2_000) : 1 + random.below(8)
            let piece = Array(bytes[start..<(start + length)])
            var block: [UInt8] = []
            block.reserveCapacity(piece.count * times)
            for _ in 0..<times { block += piece }
            bytes.insert(contentsOf: block, at: start)
        case 6, 7: // interesting bytes
            if let token = random.pick(Self.interesting) { bytes.insert(contentsOf: token, at: position) }
        case 8, 9: // a token of the format
            if let token = random.pick(dictionary) ?? random.pick(Self.interesting) {
                bytes.insert(contentsOf: token, at: position)
            }
        case 10: // deep nesting, now and then very deep
            guard let token = random.pick(nesting) else { return false }
            let deep = random.oneIn(64)
            let depth = deep ? 1_000 + random.below(100_000) : 1 + random.below(600)
            var block: [UInt8] = []
            block.reserveCapacity(token.count * depth)
            for _ in 0..<depth { block += token }
            bytes.insert(contentsOf: block, at: position)
            return deep
        default: // swap two bytes
            guard bytes.count > 1 else { return false }
            let i = random.below(bytes.count)
            let j = random.below(bytes.count)
            bytes.swapAt(i, j)
        }
        return false
    }
}
