extension CMarkParser {
    /// The most containers (`>` quotes and list items) one line may open; markers past it are
    /// dropped.
    static let maxMarkersPerLine = 32

    /// `source` without the container markers after the first ``maxMarkersPerLine`` on a line.
    ///
    /// cmark-gfm spends time proportional to the nesting depth on every inline node it adds
    /// (`cmark_node_append_child` walks up to the root), so a reply of one line such as
    /// `* * * … text * * *` (15,000 nested list items) took 27 s to parse, on every frame. Nodes
    /// that deep are drawn as their plain text anyway (``maxDepth``, markers not shown), so
    /// dropping the markers past the limit draws the same without the depth. Returns `nil`
    /// when no line has that many (the usual case).
    static func limitingNesting(_ source: ContiguousArray<UInt8>) -> ContiguousArray<UInt8>? {
        var drops: [Range<Int>] = [] // runs of markers to leave out
        let n = source.count
        var lineStart = 0
        source.withUnsafeBufferPointer { s in
            while lineStart < n {
                var i = lineStart
                var markers = 0
                var dropStart: Int?
                scan: while i < n {
                    while i < n, s[i] == 0x20 || s[i] == 0x09 { i += 1 }
                    guard i < n else { break }
                    let b = s[i]
                    var markerEnd = i
                    if b == 0x3E { // >
                        markerEnd = i + 1
                    } else if b == 0x2A || b == 0x2D || b == 0x2B,
                        i + 1 == n || s[i + 1] == 0x20 || s[i + 1] == 0x09 || s[i + 1] == 0x0A
                    {
                        markerEnd = i + 1
                    } else if (0x30...0x39).contains(b) {
                        var j = i
                        while j < n, j - i < 9, (0x30...0x39).contains(s[j]) { j += 1 }
                        guard j < n, s[j] == 0x2E || s[j] == 0x29,
                            j + 1 == n || s[j + 1] == 0x20 || s[j + 1] == 0x09 || s[j + 1] == 0x0A
                        else { break scan }
                        markerEnd = j + 1
                    } else {
                        break scan
                    }
                    markers += 1
                    if markers == maxMarkersPerLine + 1 { dropStart = i }
                    i = markerEnd
                }
                if let dropStart { drops.append(dropStart..<i) }
                while i < n, s[i] != 0x0A { i += 1 }
                lineStart = i + 1
            }
        }
        guard !drops.isEmpty else { return nil }
        var out = ContiguousArray<UInt8>()
        out.reserveCapacity(n)
        var copied = 0
        for range in drops {
            out += source[copied..<range.lowerBound]
            copied = range.upperBound
        }
        out += source[copied...]
        return out
    }
}
