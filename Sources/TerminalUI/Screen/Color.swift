#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// One of the sixteen colours that every colour terminal names.
///
/// The raw value is the terminal's palette index (0–15).
public enum ANSIColor: UInt8, CaseIterable, Hashable, Sendable {
    case black = 0
    case red, green, yellow, blue, magenta, cyan, white
    case brightBlack, brightRed, brightGreen, brightYellow, brightBlue, brightMagenta, brightCyan, brightWhite
}

/// A terminal-independent colour.
///
/// Backends downgrade colours the terminal cannot show with ``downgraded(to:)``.
public enum Color: Hashable, Sendable {
    /// The terminal's own default foreground or background.
    case `default`
    /// A named ANSI colour (palette entries 0–15).
    case ansi(ANSIColor)
    /// An entry of the 256-colour palette.
    case indexed(UInt8)
    /// A true colour.
    case rgb(UInt8, UInt8, UInt8)

    public static let black = Color.ansi(.black)
    public static let red = Color.ansi(.red)
    public static let green = Color.ansi(.green)
    public static let yellow = Color.ansi(.yellow)
    public static let blue = Color.ansi(.blue)
    public static let magenta = Color.ansi(.magenta)
    public static let cyan = Color.ansi(.cyan)
    public static let white = Color.ansi(.white)
    public static let gray = Color.ansi(.brightBlack)
}

/// How many colours a terminal can show, from none to true colour.
public enum ColorDepth: Int, Comparable, CaseIterable, Sendable {
    /// No colours at all (`NO_COLOR`, or a terminal without colours): attributes only.
    case monochrome = 0
    /// The eight basic ANSI colours.
    case ansi8
    /// The sixteen ANSI colours.
    case ansi16
    /// The xterm 256-colour palette.
    case palette256
    /// 24-bit colour.
    case trueColor

    /// The depth that a terminal reporting `colors` palette entries supports.
    public init(colorCount colors: Int) {
        switch colors {
        case ..<8: self = .monochrome
        case 8..<16: self = .ansi8
        case 16..<256: self = .ansi16
        case 256..<0x100_0000: self = .palette256
        default: self = .trueColor
        }
    }

    public static func < (lhs: ColorDepth, rhs: ColorDepth) -> Bool { lhs.rawValue < rhs.rawValue }
}

extension Color {
    /// The nearest colour that a terminal of the given depth can show.
    ///
    /// True colour becomes the nearest 256-palette entry (6×6×6 cube or grey ramp), which
    /// becomes the nearest of the sixteen ANSI colours, which become the nearest of the eight
    /// basic ones. In monochrome every colour is the terminal default.
    public func downgraded(to depth: ColorDepth) -> Color {
        switch (self, depth) {
        case (.default, _): return .default
        case (_, .monochrome): return .default
        case (_, .trueColor): return self
        case (.rgb(let r, let g, let b), .palette256):
            return .indexed(ColorMath.nearestPaletteIndex(r, g, b))
        case (_, .palette256): return self
        case (.ansi(let c), .ansi16): return .ansi(c)
        case (.ansi(let c), .ansi8) where c.rawValue < 8: return .ansi(c)
        case (.indexed(let i), .ansi16) where i < 16: return .ansi(ANSIColor(rawValue: i)!)
        case (.indexed(let i), .ansi8) where i < 8: return .ansi(ANSIColor(rawValue: i)!)
        default:
            let (r, g, b) = rgbComponents
            return .ansi(ColorMath.nearestANSI(r, g, b, among: depth == .ansi8 ? 8 : 16))
        }
    }

    /// The colour as red, green and blue, using xterm's default palette for indexed colours
    /// (the terminal default counts as black).
    public var rgbComponents: (UInt8, UInt8, UInt8) {
        switch self {
        case .default: return (0, 0, 0)
        case .ansi(let c): return ColorMath.paletteRGB(c.rawValue)
        case .indexed(let i): return ColorMath.paletteRGB(i)
        case .rgb(let r, let g, let b): return (r, g, b)
        }
    }
}

extension Color {
    /// Parses a colour as themes write it.
    ///
    /// Accepts `#rrggbb`, `#rgb`, a palette index `0`–`255`, `default` (also `reset`, `none`),
    /// and the ANSI names `black`, `red`, `green`, `yellow`, `blue`, `magenta`, `cyan`, `white`
    /// with a `bright` prefix (`bright-red`, `bright_red`, `brightred`), plus `gray`/`grey`
    /// for bright black. Case is ignored. Returns nil for anything else.
    public init?(parsing text: String) {
        let trimmed = text.trimmingSpaces()
        if trimmed.hasPrefix("#") {
            let hex = Array(trimmed.utf8.dropFirst())
            guard hex.allSatisfy({ ColorMath.hexValue($0) != nil }) else { return nil }
            let v = hex.map { ColorMath.hexValue($0)! }
            switch v.count {
            case 6: self = .rgb(v[0] << 4 | v[1], v[2] << 4 | v[3], v[4] << 4 | v[5])
            case 3: self = .rgb(v[0] * 17, v[1] * 17, v[2] * 17)
            default: return nil
            }
            return
        }
        if let n = Int(trimmed) {
            guard (0...255).contains(n) else { return nil }
            self = .indexed(UInt8(n))
            return
        }
        let name = String(trimmed.lowercased().filter { $0 != "-" && $0 != "_" && $0 != " " })
        switch name {
        case "default", "reset", "none": self = .default
        case "gray", "grey": self = .ansi(.brightBlack)
        default:
            let bright = name.hasPrefix("bright")
            let base = bright ? String(name.dropFirst("bright".count)) : name
            let names = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]
            guard let index = names.firstIndex(of: base) else { return nil }
            self = .ansi(ANSIColor(rawValue: UInt8(index + (bright ? 8 : 0)))!)
        }
    }
}

/// Palette tables and nearest-colour search.
enum ColorMath {
    /// xterm's default values for palette entries 0–15.
    static let ansiPalette: [(UInt8, UInt8, UInt8)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255),
        (255, 255, 255),
    ]
    static let cubeLevels: [UInt8] = [0, 95, 135, 175, 215, 255]

    static func paletteRGB(_ index: UInt8) -> (UInt8, UInt8, UInt8) {
        switch index {
        case 0..<16: return ansiPalette[Int(index)]
        case 16..<232:
            let i = Int(index) - 16
            return (cubeLevels[i / 36], cubeLevels[(i / 6) % 6], cubeLevels[i % 6])
        default:
            let v = UInt8(8 + 10 * (Int(index) - 232))
            return (v, v, v)
        }
    }

    /// The colour in CIE L*a*b* (D65), where straight-line distance follows perceived difference.
    static func lab(_ c: (UInt8, UInt8, UInt8)) -> (Double, Double, Double) {
        func linear(_ v: UInt8) -> Double {
            let x = Double(v) / 255
            return x <= 0.04045 ? x / 12.92 : pow((x + 0.055) / 1.055, 2.4)
        }
        let r = linear(c.0)
        let g = linear(c.1)
        let b = linear(c.2)
        let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
        let y = 0.2126 * r + 0.7152 * g + 0.0722 * b
        let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883
        func f(_ t: Double) -> Double { t > 216.0 / 24389 ? cbrt(t) : (24389.0 / 27 * t + 16) / 116 }
        let fx = f(x)
        let fy = f(y)
        let fz = f(z)
        return (116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz))
    }

    /// Squared CIE76 distance between two colours.
    static func distance(_ a: (UInt8, UInt8, UInt8), _ b: (UInt8, UInt8, UInt8)) -> Double {
        distance(lab(a), lab(b))
    }

    static func distance(_ a: (Double, Double, Double), _ b: (Double, Double, Double)) -> Double {
        let dl = a.0 - b.0
        let da = a.1 - b.1
        let db = a.2 - b.2
        return dl * dl + da * da + db * db
    }

    static let ansiLab: [(Double, Double, Double)] = ansiPalette.map(lab)

    /// The nearest entry of the 6×6×6 cube or the grey ramp (16–255).
    static func nearestPaletteIndex(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
        func level(_ v: UInt8) -> Int {
            var best = 0
            for (i, l) in cubeLevels.enumerated() where abs(Int(l) - Int(v)) < abs(Int(cubeLevels[best]) - Int(v)) {
                best = i
            }
            return best
        }
        let cube = UInt8(16 + 36 * level(r) + 6 * level(g) + level(b))
        let average = (Int(r) + Int(g) + Int(b)) / 3
        let grey = UInt8(232 + min(23, max(0, (average - 3) / 10)))
        let target = lab((r, g, b))
        return distance(lab(paletteRGB(grey)), target) < distance(lab(paletteRGB(cube)), target) ? grey : cube
    }

    /// The nearest of the first `count` ANSI colours (8 or 16), by perceived difference.
    static func nearestANSI(_ r: UInt8, _ g: UInt8, _ b: UInt8, among count: Int) -> ANSIColor {
        let target = lab((r, g, b))
        var best = 0
        var bestDistance = Double.infinity
        for i in 0..<count {
            let d = distance(ansiLab[i], target)
            if d < bestDistance {
                best = i
                bestDistance = d
            }
        }
        return ANSIColor(rawValue: UInt8(best))!
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
