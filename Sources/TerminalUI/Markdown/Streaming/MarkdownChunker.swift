/// Splits Markdown source into top-level chunks that can be parsed and rendered on their own,
/// reading the source as it grows.
///
/// A chunk ends before a line that starts at column 0 with a non-blank character, follows a
/// blank line, and is not inside a fenced code block or an HTML block that blank lines do not
/// end (`<pre>`, `<script>`, `<style>`, `<textarea>`, comments, `<?…?>`, `<!…>`, CDATA). Such a
/// line cannot continue anything before it: a blank line ends paragraphs, tables, block
/// quotes and (unless the next line is indented) list items and indented code. So:
/// - a fence with blank lines inside stays whole (fence state is tracked from the fence line
///   to its closing fence);
/// - list items continued after a blank line by indented text stay with their list; a list
///   whose items are separated by blank lines is split between items (the renderer carries
///   the numbering over, see ``MarkdownChunkContext``);
/// - setext underlines and table delimiter rows never follow a blank line, so never start a
///   chunk away from their paragraph.
///
/// The decision for a boundary needs only the first character of the line after it, and the
/// state it depends on comes from complete lines before it, so text appended later can never
/// move a boundary: splitting a growing text gives the same chunks as splitting the final one.
/// The scanner errs towards bigger chunks (it does not follow fences nested in list items or
/// quotes; blank lines there are followed by indented lines anyway).
struct MarkdownChunker: Hashable, Sendable {
    private struct Fence: Hashable, Sendable {
        var character: UInt8
        var length: Int
    }

    /// Where the open (last, unfinished) chunk starts.
    private(set) var openChunkStart = 0
    /// Start of the first line not read yet.
    private var lineStart = 0
    /// Where to look for the end of that line (so a long line is searched once).
    private var searchFrom = 0
    private var fence: Fence?
    /// The text that ends the HTML block being read.
    private var htmlEnd: [UInt8]?
    private var previousLineBlank = false
    private var chunkHasContent = false
    private var candidates: [Range<Int>] = []

    /// Reads what was added to `source` since the last call (the source only ever grows) and
    /// returns the chunks completed by it.
    mutating func scan(_ source: [UInt8]) -> [MarkdownChunk] {
        var completed: [MarkdownChunk] = []
        while lineStart < source.count {
            let first = source[lineStart]
            if previousLineBlank, chunkHasContent, !Self.isWhitespace(first) {
                completed.append(MarkdownChunk(range: openChunkStart..<lineStart, definitionCandidates: candidates))
                self = MarkdownChunker(openChunkStart: lineStart, lineStart: lineStart, searchFrom: searchFrom)
            }
            guard let end = source[max(lineStart, searchFrom)...].firstIndex(of: UInt8(ascii: "\n")) else {
                searchFrom = source.count
                break
            }
            var lineEnd = end
            if lineEnd > lineStart, source[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
            read(source[lineStart..<lineEnd])
            lineStart = end + 1
            searchFrom = lineStart
        }
        return completed
    }

    private init(openChunkStart: Int, lineStart: Int, searchFrom: Int) {
        self.openChunkStart = openChunkStart
        self.lineStart = lineStart
        self.searchFrom = searchFrom
    }

    init() {}

    /// Updates the state with one complete line (without its line ending).
    private mutating func read(_ line: ArraySlice<UInt8>) {
        if let fence {
            if Self.closes(fence, line) { self.fence = nil }
            return
        }
        if let end = htmlEnd {
            if Self.contains(line, end) { htmlEnd = nil }
            return
        }
        guard let indent = Self.indent(of: line) else {
            previousLineBlank = true
            return
        }
        previousLineBlank = false
        chunkHasContent = true
        guard indent.columns <= 3 else { return }
        let rest = line[indent.end...]
        if let opened = Self.opensFence(rest) {
            fence = opened
        } else if let (end, searchFrom) = Self.opensHTMLBlock(rest) {
            if !Self.contains(rest[searchFrom...], end) { htmlEnd = end }
        } else if rest.first == UInt8(ascii: "["), Self.contains(rest, Array("]:".utf8)) {
            candidates.append(line.startIndex..<line.endIndex)
        }
    }

    // MARK: Line tests

    static func isWhitespace(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D
    }

    /// Leading columns (tabs to multiples of four) and where the text starts; nil for a blank line.
    private static func indent(of line: ArraySlice<UInt8>) -> (columns: Int, end: Int)? {
        var columns = 0
        for i in line.indices {
            switch line[i] {
            case 0x20: columns += 1
            case 0x09: columns += 4 - columns % 4
            case 0x0D: continue
            default: return (columns, i)
            }
        }
        return nil
    }

    /// A run of three or more backticks or tildes (backtick fences take no backticks after).
    private static func opensFence(_ rest: ArraySlice<UInt8>) -> Fence? {
        guard let c = rest.first, c == UInt8(ascii: "`") || c == UInt8(ascii: "~") else { return nil }
        let length = rest.prefix { $0 == c }.count
        guard length >= 3 else { return nil }
        if c == UInt8(ascii: "`"), rest.dropFirst(length).contains(c) { return nil }
        return Fence(character: c, length: length)
    }

    /// Up to three spaces, at least as many fence characters, then only spaces.
    private static func closes(_ fence: Fence, _ line: ArraySlice<UInt8>) -> Bool {
        guard let indent = indent(of: line), indent.columns <= 3 else { return false }
        let rest = line[indent.end...]
        let length = rest.prefix { $0 == fence.character }.count
        return length >= fence.length && rest.dropFirst(length).allSatisfy { $0 == 0x20 || $0 == 0x09 }
    }

    /// The end marker of an HTML block that blank lines do not end (CommonMark types 1–5), and
    /// where in `rest` to start looking for it.
    private static func opensHTMLBlock(_ rest: ArraySlice<UInt8>) -> ([UInt8], Int)? {
        guard rest.first == UInt8(ascii: "<") else { return nil }
        let lower = rest.prefix(12).map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        func starts(_ s: String) -> Bool { lower.starts(with: s.utf8) }
        let start = rest.startIndex
        for tag in ["script", "pre", "style", "textarea"] where starts("<" + tag) {
            let after = lower.count > tag.count + 1 ? lower[tag.count + 1] : 0x0A
            if after == 0x20 || after == 0x09 || after == UInt8(ascii: ">") || after == 0x0A {
                return (Array("</\(tag)>".utf8), start + tag.count + 1)
            }
        }
        if starts("<!--") { return (Array("-->".utf8), start + 4) }
        if starts("<?") { return (Array("?>".utf8), start + 2) }
        if starts("<![cdata[") { return (Array("]]>".utf8), start + 9) }
        if lower.count > 2, starts("<!"), lower[2] >= 0x61, lower[2] <= 0x7A { return (Array(">".utf8), start + 2) }
        return nil
    }

    /// True when `needle` occurs in `line` (ASCII letters compared without case).
    private static func contains(_ line: ArraySlice<UInt8>, _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, line.count >= needle.count else { return false }
        var i = line.startIndex
        while i + needle.count <= line.endIndex {
            var j = 0
            while j < needle.count, lowered(line[i + j]) == needle[j] { j += 1 }
            if j == needle.count { return true }
            i += 1
        }
        return false
    }

    private static func lowered(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b | 0x20 : b }
}
