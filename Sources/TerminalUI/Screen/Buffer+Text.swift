extension Buffer {
    /// Each row as plain text, full width (a wide character appears once; its continuation
    /// cell adds nothing).
    public func lines() -> [String] {
        (0..<height).map { y in
            var s = ""
            for cell in row(y) where !cell.isContinuation { s.append(cell.character) }
            return s
        }
    }

    /// The rows as text with trailing spaces removed, joined by newlines: convenient to compare
    /// with a literal multi-line string.
    public var text: String {
        lines().map { line in
            var l = Substring(line)
            while l.last == " " { l.removeLast() }
            return String(l)
        }.joined(separator: "\n")
    }

    /// The rows with their styles, for snapshots.
    ///
    /// Each row is the text with every run of styled cells wrapped as `[text]{style}`, where
    /// style lists `fg=…`, `bg=…` and attributes; unstyled text appears as is. Trailing
    /// unstyled spaces are removed.
    public func styledText() -> String {
        (0..<height).map { y in
            var out = ""
            var runText = ""
            var runStyle: Style?
            func flushRun() {
                guard let style = runStyle else { return }
                if style == .plain {
                    out += runText
                } else {
                    out += "[\(runText)]{\(Buffer.describe(style))}"
                }
                runText = ""
            }
            for cell in row(y) where !cell.isContinuation {
                if cell.style != runStyle {
                    flushRun()
                    runStyle = cell.style
                }
                runText.append(cell.character)
            }
            flushRun()
            while out.last == " " { out.removeLast() }
            return out
        }.joined(separator: "\n")
    }

    /// A short description of a style: `fg=red bg=#102030 bold`.
    public static func describe(_ style: Style) -> String {
        var parts: [String] = []
        if let fg = style.foreground { parts.append("fg=\(describe(fg))") }
        if let bg = style.background { parts.append("bg=\(describe(bg))") }
        for (name, attribute) in TextAttributes.named where style.attributes.contains(attribute) { parts.append(name) }
        return parts.joined(separator: " ")
    }

    /// A short description of a colour: `red`, `bright-blue`, `208`, `#ff8800`, `default`.
    public static func describe(_ color: Color) -> String {
        switch color {
        case .default: return "default"
        case .ansi(let c):
            let names = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]
            return c.rawValue < 8 ? names[Int(c.rawValue)] : "bright-" + names[Int(c.rawValue) - 8]
        case .indexed(let i): return String(i)
        case .rgb(let r, let g, let b):
            func hex(_ v: UInt8) -> String {
                let s = String(v, radix: 16)
                return s.count == 1 ? "0" + s : s
            }
            return "#" + hex(r) + hex(g) + hex(b)
        }
    }
}
