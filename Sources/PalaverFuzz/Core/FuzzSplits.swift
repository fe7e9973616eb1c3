/// Random chunk boundaries for feeding an incremental parser.
enum FuzzSplits {
    /// Ranges that cover `0..<count` in order: one byte at a time, a few random cuts, or
    /// fixed-size pieces.
    static func ranges(count: Int, random: inout FuzzRandom) -> [Range<Int>] {
        guard count > 1 else { return count == 1 ? [0..<1] : [] }
        var cuts: [Int]
        switch random.below(4) {
        case 0 where count <= 4_096:
            cuts = Array(1..<count)
        case 1:
            let size = 1 + random.below(min(count, 64))
            cuts = Array(stride(from: size, to: count, by: size))
        default:
            cuts = (0..<(1 + random.below(min(count, 16)))).map { _ in 1 + random.below(count - 1) }
            cuts = Array(Set(cuts)).sorted()
        }
        var ranges: [Range<Int>] = []
        var start = 0
        for cut in cuts {
            ranges.append(start..<cut)
            start = cut
        }
        ranges.append(start..<count)
        return ranges
    }

    /// At most `limit` consecutive ranges covering `0..<count` (neighbours merged).
    static func ranges(count: Int, limit: Int, random: inout FuzzRandom) -> [Range<Int>] {
        let all = ranges(count: count, random: &random)
        guard all.count > limit, limit > 0 else { return all }
        let step = (all.count + limit - 1) / limit
        return stride(from: 0, to: all.count, by: step).map { i in
            all[i].lowerBound..<all[min(i + step, all.count) - 1].upperBound
        }
    }
}
