/// Turns the bytes a terminal sends into input events. Pure: feed it chunks of bytes as they
/// arrive, however they are split.
///
/// Understands UTF-8 (a character split across chunks waits for its rest), control keys
/// (Ctrl+letter, Enter = CR, Ctrl+J = LF, Tab, Backspace = DEL or BS), Alt+key as `ESC key`,
/// xterm/VT220/rxvt/Linux-console sequences for arrows, Home/End, Insert/Delete, PgUp/PgDn,
/// F1–F12 with Shift/Alt/Ctrl modifiers, Shift+Tab, `CSI … u` and `CSI 27;…~` extended keys,
/// SGR and X10 mouse reports (buttons and wheel), and bracketed paste (`ESC [200~ … ESC [201~`)
/// as one ``InputEvent/paste(_:)`` whose content is never read as keys, whatever its size.
/// Unknown escape sequences are dropped whole.
///
/// A lone Esc cannot be told from the start of a sequence until more bytes come or time
/// passes: when ``isWaitingForMore`` is true after a feed and nothing more arrives within the
/// escape delay (about 25 ms), call ``flushPending()``: a lone ESC then becomes the Esc key,
/// `ESC x` pairs become Alt+x, and a cut-off UTF-8 sequence becomes U+FFFD. Inside a paste
/// there is no timeout: the paste ends only at its end marker.
public struct InputDecoder: Sendable {
    private var pending: [UInt8] = []
    private var pasting = false
    private var paste: [UInt8] = []
    /// Bytes of `paste` already searched for the end marker.
    private var pasteScanned = 0

    private static let pasteEnd: [UInt8] = [0x1B, 0x5B, 0x32, 0x30, 0x31, 0x7E] // ESC [ 2 0 1 ~

    public init() {}

    /// True when bytes wait for the rest of a sequence (see ``flushPending()``).
    public var isWaitingForMore: Bool { !pasting && !pending.isEmpty }
    /// True between the start and end markers of a bracketed paste.
    public var isInPaste: Bool { pasting }

    /// Decodes a chunk of bytes; returns the events completed by it.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [InputEvent] {
        if pasting { paste.append(contentsOf: bytes) } else { pending.append(contentsOf: bytes) }
        var events: [InputEvent] = []
        run(final: false, into: &events)
        return events
    }

    /// Resolves bytes that were waiting for more (call after the escape delay passed quietly).
    public mutating func flushPending() -> [InputEvent] {
        guard !pasting else { return [] }
        var events: [InputEvent] = []
        run(final: true, into: &events)
        return events
    }

    // MARK: - Driving

    private mutating func run(final: Bool, into events: inout [InputEvent]) {
        while true {
            if pasting {
                guard let end = findPasteEnd() else { return }
                events.append(.paste(Self.pasteText(paste[..<end])))
                pending = Array(paste[(end + Self.pasteEnd.count)...])
                paste = []
                pasteScanned = 0
                pasting = false
            }
            var i = 0
            parsing: while i < pending.count {
                switch parse(at: i, final: final) {
                case .incomplete:
                    break parsing
                case .consumed(let n, let produced):
                    events += produced
                    i += n
                case .pasteStart(let n):
                    i += n
                    paste = Array(pending[i...])
                    pasteScanned = 0
                    pasting = true
                    i = pending.count
                }
            }
            pending.removeFirst(i)
            if !pasting { return }
        }
    }

    private mutating func findPasteEnd() -> Int? {
        let marker = Self.pasteEnd
        guard paste.count >= marker.count else { return nil }
        let found: Int? = paste.withUnsafeBufferPointer { p in
            var i = pasteScanned
            let last = p.count - marker.count
            while i <= last {
                if p[i] == 0x1B, p[i + 1] == 0x5B, p[i + 2] == 0x32, p[i + 3] == 0x30, p[i + 4] == 0x31,
                    p[i + 5] == 0x7E
                {
                    return i
                }
                i += 1
            }
            return nil
        }
        if found == nil { pasteScanned = paste.count - marker.count + 1 }
        return found
    }

    /// Paste bytes as text: CR LF and lone CR become LF; invalid UTF-8 becomes U+FFFD.
    static func pasteText(_ bytes: ArraySlice<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var previousCR = false
        for b in bytes {
            if b == 0x0D {
                out.append(0x0A)
                previousCR = true
                continue
            }
            if b == 0x0A && previousCR {
                previousCR = false
                continue
            }
            previousCR = false
            out.append(b)
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: - Parsing

    private enum Parsed {
        case incomplete
        case consumed(Int, [InputEvent])
        case pasteStart(Int)
    }

    private func parse(at i: Int, final: Bool) -> Parsed {
        let b = pending[i]
        if b == 0x1B { return parseEscape(at: i, final: final) }
        if b < 0x20 || b == 0x7F { return .consumed(1, [.key(Self.controlKey(b))]) }
        // A run of printable text (ASCII and UTF-8), decoded as grapheme clusters.
        var j = i
        while j < pending.count, pending[j] >= 0x20, pending[j] != 0x7F { j += 1 }
        var end = j
        if j == pending.count, !final, let cut = Self.incompleteTail(pending, from: i, to: j) { end = cut }
        if end == i { return .incomplete }
        let text = String(decoding: pending[i..<end], as: UTF8.self)
        let keys = text.compactMap { c -> InputEvent? in
            DisplayWidth.isControl(c) ? nil : .key(KeyEvent(.character(c)))
        }
        return .consumed(end - i, keys)
    }

    private func parseEscape(at i: Int, final: Bool) -> Parsed {
        let p = pending
        guard i + 1 < p.count else { return final ? .consumed(1, [.key(KeyEvent(.escape))]) : .incomplete }
        let next = p[i + 1]
        switch next {
        case 0x5B: // [
            return parseCSI(escapeAt: i, final: final)
        case 0x4F: // O (SS3)
            guard i + 2 < p.count else { return final ? .consumed(2, [.key(.alt("O"))]) : .incomplete }
            return .consumed(3, Self.ss3(p[i + 2]).map { [.key($0)] } ?? [])
        case 0x1B:
            guard i + 2 < p.count else { return final ? .consumed(1, [.key(KeyEvent(.escape))]) : .incomplete }
            guard p[i + 2] == 0x5B || p[i + 2] == 0x4F else { return .consumed(1, [.key(KeyEvent(.escape))]) }
            // ESC followed by a sequence: Alt with that key.
            switch parseEscape(at: i + 1, final: final) {
            case .incomplete: return .incomplete
            case .pasteStart(let n): return .pasteStart(n + 1)
            case .consumed(let n, let events):
                return .consumed(
                    n + 1,
                    events.map { event in
                        guard case .key(var k) = event else { return event }
                        k.modifiers.insert(.alt)
                        return .key(k)
                    })
            }
        case 0..<0x20, 0x7F:
            var k = Self.controlKey(next)
            k.modifiers.insert(.alt)
            return .consumed(2, [.key(k)])
        case 0x20..<0x80:
            return .consumed(2, [.key(.alt(Character(Unicode.Scalar(next))))])
        default:
            let length = Self.utf8Length(next)
            guard i + 1 + length <= p.count else {
                return final ? .consumed(p.count - i, [.key(.alt(TextSanitizer.replacement))]) : .incomplete
            }
            let text = String(decoding: p[(i + 1)..<(i + 1 + length)], as: UTF8.self)
            return .consumed(1 + length, text.first.map { [.key(.alt($0))] } ?? [])
        }
    }

    private func parseCSI(escapeAt i: Int, final: Bool) -> Parsed {
        let p = pending
        let s = i + 2
        // Linux console: ESC [ [ A … E are F1 … F5.
        if s < p.count, p[s] == 0x5B {
            guard s + 1 < p.count else { return final ? .consumed(p.count - i, []) : .incomplete }
            let f = Int(p[s + 1]) - 0x40
            return .consumed(s + 2 - i, (1...5).contains(f) ? [.key(KeyEvent(.function(f)))] : [])
        }
        var j = s
        while j < p.count {
            let c = p[j]
            if (0x20...0x3F).contains(c) {
                j += 1
                if j - i > 64 { return .consumed(j - i, []) } // runaway: drop it
                continue
            }
            if (0x40...0x7E).contains(c) { break }
            return .consumed(j - i, []) // a broken sequence: drop it, read on from the odd byte
        }
        if j == p.count {
            guard final else { return .incomplete }
            return .consumed(p.count - i, s == p.count ? [.key(.alt("["))] : [])
        }
        let finalByte = p[j]
        let params = Array(p[s..<j])
        if finalByte == 0x4D, params.isEmpty { // X10 mouse: three more raw bytes
            guard j + 3 < p.count else { return final ? .consumed(p.count - i, []) : .incomplete }
            let event = Self.mouse(
                code: Int(p[j + 1]) - 32, x: Int(p[j + 2]) - 33, y: Int(p[j + 3]) - 33, released: false)
            return .consumed(j + 4 - i, event.map { [.mouse($0)] } ?? [])
        }
        if finalByte == 0x7E, params == [0x32, 0x30, 0x30] { return .pasteStart(j + 1 - i) }
        return .consumed(j + 1 - i, Self.interpretCSI(params, finalByte))
    }

    // MARK: - Tables

    static func controlKey(_ b: UInt8) -> KeyEvent {
        switch b {
        case 0x00: return .ctrl(" ")
        case 0x08, 0x7F: return KeyEvent(.backspace)
        case 0x09: return KeyEvent(.tab)
        case 0x0D: return KeyEvent(.enter)
        case 0x1B: return KeyEvent(.escape)
        case 0x01...0x1A: return .ctrl(Character(Unicode.Scalar(0x60 + b)))
        case 0x1C: return .ctrl("\\")
        case 0x1D: return .ctrl("]")
        case 0x1E: return .ctrl("^")
        default: return .ctrl("_")
        }
    }

    static func ss3(_ b: UInt8) -> KeyEvent? {
        switch b {
        case 0x41: return KeyEvent(.up)
        case 0x42: return KeyEvent(.down)
        case 0x43: return KeyEvent(.right)
        case 0x44: return KeyEvent(.left)
        case 0x48: return KeyEvent(.home)
        case 0x46: return KeyEvent(.end)
        case 0x50...0x53: return KeyEvent(.function(Int(b) - 0x4F))
        case 0x4D: return KeyEvent(.enter)
        default: return nil
        }
    }

    static func interpretCSI(_ params: [UInt8], _ final: UInt8) -> [InputEvent] {
        if params.first == 0x3C { // <: SGR mouse
            guard final == 0x4D || final == 0x6D else { return [] }
            let n = numbers(params.dropFirst())
            guard n.count >= 3, let code = n[0], let x = n[1], let y = n[2] else { return [] }
            return mouse(code: code, x: x - 1, y: y - 1, released: final == 0x6D).map { [.mouse($0)] } ?? []
        }
        if let first = params.first, first >= 0x3C { return [] } // ? > = : replies, not keys
        let n = numbers(params[...])
        let modifiers = KeyModifiers(xtermParameter: n.count > 1 ? (n[1] ?? 1) : 1)
        func key(_ k: Key) -> [InputEvent] { [.key(KeyEvent(k, modifiers))] }
        switch final {
        case 0x41: return key(.up)
        case 0x42: return key(.down)
        case 0x43: return key(.right)
        case 0x44: return key(.left)
        case 0x48: return key(.home)
        case 0x46: return key(.end)
        case 0x50...0x53: return key(.function(Int(final) - 0x4F))
        case 0x5A: return [.key(KeyEvent(.tab, modifiers.union(.shift)))]
        case 0x75: // CSI code ; modifiers u
            guard let code = n.first ?? nil else { return [] }
            return keyFromCode(code, modifiers).map { [.key($0)] } ?? []
        case 0x7E:
            switch n.first ?? nil {
            case 1, 7: return key(.home)
            case 2: return key(.insert)
            case 3: return key(.delete)
            case 4, 8: return key(.end)
            case 5: return key(.pageUp)
            case 6: return key(.pageDown)
            case let f? where (11...15).contains(f): return key(.function(f - 10))
            case let f? where (17...21).contains(f): return key(.function(f - 11))
            case let f? where (23...26).contains(f): return key(.function(f - 12))
            case 27: // xterm modifyOtherKeys: CSI 27 ; modifiers ; code ~
                guard n.count >= 3, let code = n[2] else { return [] }
                return keyFromCode(code, modifiers).map { [.key($0)] } ?? []
            default: return []
            }
        default:
            return []
        }
    }

    static func keyFromCode(_ code: Int, _ modifiers: KeyModifiers) -> KeyEvent? {
        switch code {
        case 13: return KeyEvent(.enter, modifiers)
        case 9: return KeyEvent(.tab, modifiers)
        case 27: return KeyEvent(.escape, modifiers)
        case 8, 127: return KeyEvent(.backspace, modifiers)
        case 32...0x10FFFF:
            // A code for a control (DEL, C1, line or paragraph separator) is not a key to type.
            guard let scalar = Unicode.Scalar(code), !DisplayWidth.isControl(Character(scalar)) else { return nil }
            return KeyEvent(.character(Character(scalar)), modifiers)
        default: return nil
        }
    }

    static func mouse(code: Int, x: Int, y: Int, released: Bool) -> MouseEvent? {
        guard code >= 0 else { return nil }
        var modifiers: KeyModifiers = []
        if code & 4 != 0 { modifiers.insert(.shift) }
        if code & 8 != 0 { modifiers.insert(.alt) }
        if code & 16 != 0 { modifiers.insert(.control) }
        let button = code & 3
        let x = max(0, x)
        let y = max(0, y)
        if code & 64 != 0 {
            let kinds: [MouseEvent.Kind] = [.scrollUp, .scrollDown, .scrollLeft, .scrollRight]
            return MouseEvent(kinds[button], x: x, y: y, modifiers: modifiers)
        }
        if code & 128 != 0 { return nil }
        let buttons: [MouseButton] = [.left, .middle, .right]
        if released || button == 3 {
            if code & 32 != 0 { return nil } // motion without a button
            return MouseEvent(.release, x: x, y: y, modifiers: modifiers)
        }
        if code & 32 != 0 { return MouseEvent(.drag(buttons[button]), x: x, y: y, modifiers: modifiers) }
        return MouseEvent(.press(buttons[button]), x: x, y: y, modifiers: modifiers)
    }

    /// Semicolon-separated decimal parameters (sub-parameters after `:` ignored; empty is nil).
    static func numbers(_ params: ArraySlice<UInt8>) -> [Int?] {
        params.split(separator: 0x3B, omittingEmptySubsequences: false).map { field in
            let digits = field.prefix { $0 != 0x3A }
            guard !digits.isEmpty, digits.allSatisfy({ (0x30...0x39).contains($0) }), digits.count < 9 else {
                return nil
            }
            return digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        }
    }

    static func utf8Length(_ lead: UInt8) -> Int {
        switch lead {
        case 0xC0...0xDF: return 2
        case 0xE0...0xEF: return 3
        case 0xF0...0xF7: return 4
        default: return 1
        }
    }

    /// Where an unfinished UTF-8 sequence at the end of `bytes[from..<to]` starts, if any.
    static func incompleteTail(_ bytes: [UInt8], from: Int, to: Int) -> Int? {
        var k = to - 1
        var back = 0
        while k >= from, back < 4 {
            let b = bytes[k]
            if b & 0xC0 == 0x80 {
                k -= 1
                back += 1
                continue
            }
            if b >= 0xC0 { return k + utf8Length(b) > to ? k : nil }
            return nil
        }
        return nil
    }
}
