import Foundation
import TerminalUI

/// Paths, scratch directories and colour arithmetic shared by the theme tests.
enum ThemeTestSupport {
    /// The repository's `themes/` folder, found beside the `Package.swift` above this file.
    static let shippedThemes: String = {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
                return directory.appendingPathComponent("themes").path
            }
            directory = directory.deletingLastPathComponent()
        }
        fatalError("no Package.swift above \(#filePath)")
    }()

    /// The four themes palaver ships.
    static let shippedNames = ["default", "high-contrast", "light", "monochrome"]

    /// The themes with colours (all but monochrome).
    static let colouredNames = ["default", "high-contrast", "light"]

    /// The text of a shipped theme file.
    static func shippedText(_ name: String) throws -> String {
        try String(contentsOfFile: shippedThemes + "/\(name).toml", encoding: .utf8)
    }

    /// A shipped theme file, parsed.
    static func shipped(_ name: String) throws -> Theme {
        try Theme.parse(shippedText(name), path: "\(name).toml")
    }

    /// A fresh empty directory, removed after `body`.
    static func withDirectories<T>(_ count: Int, _ body: ([String]) throws -> T) throws -> T {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("themes-\(UUID().uuidString)")
        let directories = (0..<count).map { root.appendingPathComponent("dir\($0)").path }
        for directory in directories {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        defer { try? FileManager.default.removeItem(at: root) }
        return try body(directories)
    }

    /// Writes `text` to `directory/name.toml`.
    static func write(_ text: String, _ name: String, in directory: String) throws {
        try text.write(toFile: directory + "/\(name).toml", atomically: true, encoding: .utf8)
    }

    /// WCAG 2 relative luminance of a colour, from its sRGB components.
    static func luminance(_ color: Color) -> Double {
        let (r, g, b) = color.rgbComponents
        func linear(_ v: UInt8) -> Double {
            let c = Double(v) / 255
            return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
    }

    /// WCAG 2 contrast ratio of two colours, from 1 (none) to 21 (black on white).
    static func contrast(_ a: Color, _ b: Color) -> Double {
        let (x, y) = (luminance(a), luminance(b))
        return (max(x, y) + 0.05) / (min(x, y) + 0.05)
    }

    /// The colours a key's text is drawn in (swapped for `reverse`), or nil when either is
    /// left to the terminal.
    static func effectiveColors(_ theme: Theme, _ key: String) -> (fg: Color, bg: Color)? {
        let style = theme.style(key)
        guard var fg = style.foreground, var bg = style.background, fg != .default, bg != .default else { return nil }
        if style.attributes.contains(.reverse) { swap(&fg, &bg) }
        return (fg, bg)
    }
}
