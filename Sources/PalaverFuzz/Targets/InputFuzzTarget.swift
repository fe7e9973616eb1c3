import TerminalUI

/// The terminal input decoder: the same keys (as text) whatever the chunk boundaries, and no
/// control character ever arrives as a plain key to type.
struct InputFuzzTarget: FuzzTarget {
    static let name = "input"
    static let summary = "terminal input decoder (TerminalUI InputDecoder); whole = split, no control character typed"

    var seeds: [[UInt8]] {
        [
            "hello wörld 😀\r", "\u{1B}[A\u{1B}[1;5C\u{1B}OP\u{1B}[15~\u{1B}[3;2~\u{1B}[Z",
            "\u{1B}[<0;12;5M\u{1B}[<64;1;1m\u{1B}[M !!",
            "\u{1B}[200~pasted \u{1B}[A text\r\n\u{1B}[201~after", "\u{1B}a\u{1B}\u{1B}[B\u{1B}\u{7F}",
            "\u{1B}[97;5u\u{1B}[27;5;13~\u{1B}[[A",
            "e\u{301}\u{1B}[?1;2c\u{1B}]11;rgb:0000/0000/0000\u{7}", "\u{1B}[133u\u{1B}[8232u\u{1B}[27;1;155~",
        ].map(utf8)
    }

    var dictionary: [[UInt8]] {
        [
            "\u{1B}[", "\u{1B}O", "\u{1B}[<", "\u{1B}[M", "\u{1B}[200~", "\u{1B}[201~", "\u{1B}[27;", ";", ":", "~",
            "u", "M", "m",
            "1", "5", "12", "99999999999", "\u{1B}\u{1B}", "\u{1B}[[", "é", "\u{301}",
        ].map(utf8)
    }

    var nestingTokens: [[UInt8]] { ["\u{1B}", "\u{1B}[", "\u{1B}[200~"].map(utf8) }

    func check(_ input: [UInt8], random: inout FuzzRandom) throws(FuzzFailure) {
        var whole = InputDecoder()
        var wholeEvents = whole.feed(input)
        wholeEvents += whole.flushPending()

        var split = InputDecoder()
        var splitEvents: [InputEvent] = []
        for range in FuzzSplits.ranges(count: input.count, random: &random) {
            splitEvents += split.feed(input[range])
        }
        splitEvents += split.flushPending()

        for event in wholeEvents {
            switch event {
            case .key(let key):
                if case .character(let c) = key.key, key.modifiers.subtracting(.shift).isEmpty {
                    try require(
                        !c.unicodeScalars.contains { Self.isControl($0) },
                        "a control character U+\(String(c.unicodeScalars.first!.value, radix: 16)) arrives as a key to type"
                    )
                }
                if case .function(let n) = key.key { try require(n >= 1 && n <= 20, "function key F\(n)") }
            case .mouse(let mouse):
                try require(mouse.x >= 0 && mouse.y >= 0, "mouse report at \(mouse.x),\(mouse.y)")
            case .paste(let text):
                try require(!text.contains("\u{1B}[201~"), "a paste holds its own end marker")
            case .resize:
                break
            }
        }
        try require(whole.isInPaste == split.isInPaste, "paste state differs whole/split")
        let a = Self.normalized(wholeEvents)
        let b = Self.normalized(splitEvents)
        try require(a == b, "events differ whole/split: \(a.prefix(8)) vs \(b.prefix(8))")
    }

    static func isControl(_ s: Unicode.Scalar) -> Bool {
        s.value < 0x20 || (0x7F...0x9F).contains(s.value) || s.value == 0x2028 || s.value == 0x2029
    }

    /// Events as comparable strings, with runs of plain typed characters joined into one text
    /// (a chunk boundary may cut a grapheme cluster in two).
    static func normalized(_ events: [InputEvent]) -> [String] {
        var out: [String] = []
        var text = ""
        for event in events {
            if case .key(let key) = event, case .character(let c) = key.key, key.modifiers.isEmpty {
                text.unicodeScalars.append(contentsOf: c.unicodeScalars)
                continue
            }
            if !text.isEmpty {
                out.append("text " + text.unicodeScalars.map { String($0.value, radix: 16) }.joined(separator: " "))
                text = ""
            }
            out.append(String(describing: event))
        }
        if !text.isEmpty {
            out.append("text " + text.unicodeScalars.map { String($0.value, radix: 16) }.joined(separator: " "))
        }
        return out
    }
}
