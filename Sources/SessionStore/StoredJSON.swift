import Foundation

/// A JSON value as the store reads and writes its own formats: the content column (an array of
/// blocks) and the export document. Parsing is Foundation's `JSONDecoder`; writing is compact
/// with keys sorted, so one value has one text (stored content and exports compare by bytes).
///
/// The store knows no API types: it reads only what its own format says (see ``StoredBlocks``)
/// and keeps every other member exactly.
enum StoredJSON: Sendable, Hashable {
    case null
    case bool(Bool)
    /// An integer that fits in `Int`; kept apart from `double` so counts round-trip exactly.
    case int(Int)
    case double(Double)
    case string(String)
    case array([StoredJSON])
    case object([String: StoredJSON])

    /// The member `key` of an object, or `nil` for any other value.
    subscript(key: String) -> StoredJSON? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    var intValue: Int? {
        switch self {
        case .int(let i): return i
        case .double(let d) where d.rounded() == d && abs(d) < 9e15: return Int(d)
        default: return nil
        }
    }

    var arrayValue: [StoredJSON]? {
        if case .array(let a) = self { return a }
        return nil
    }

    var objectValue: [String: StoredJSON]? {
        if case .object(let o) = self { return o }
        return nil
    }

    var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// Parses a complete JSON document.
    static func parse(_ text: String) throws -> StoredJSON {
        try JSONDecoder().decode(StoredJSON.self, from: Data(text.utf8))
    }

    /// Compact JSON with object keys sorted.
    func serialized() -> String {
        var out = ""
        Self.write(self, into: &out)
        return out
    }
}

extension StoredJSON: Decodable {
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let b = try? container.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? container.decode(Int.self) {
            self = .int(i)
        } else if let d = try? container.decode(Double.self) {
            self = .double(d)
        } else if let s = try? container.decode(String.self) {
            self = .string(s)
        } else if let a = try? container.decode([StoredJSON].self) {
            self = .array(a)
        } else {
            self = .object(try container.decode([String: StoredJSON].self))
        }
    }
}

// MARK: Writing

extension StoredJSON {
    private static func write(_ value: StoredJSON, into out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d):
            if d.isFinite {
                if d.rounded() == d && abs(d) < 1e15 { out += String(Int(d)) } else { out += "\(d)" }
            } else {
                out += "null"
            }
        case .string(let s): writeString(s, into: &out)
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                write(item, into: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (i, key) in members.keys.sorted().enumerated() {
                if i > 0 { out += "," }
                writeString(key, into: &out)
                out += ":"
                write(members[key]!, into: &out)
            }
            out += "}"
        }
    }

    /// A JSON string literal: `"` and `\` escaped, control characters and DEL as `\n`, `\r`,
    /// `\t` or `\u00XX`, U+2028 and U+2029 as `\u2028`/`\u2029`; everything else as UTF-8.
    private static func writeString(_ s: String, into out: inout String) {
        out += "\""
        let utf8 = s.utf8
        var runStart = utf8.startIndex
        var index = runStart
        while index != utf8.endIndex {
            let byte = utf8[index]
            var escape: String?
            var length = 1
            switch byte {
            case 0x22: escape = "\\\""
            case 0x5C: escape = "\\\\"
            case 0x0A: escape = "\\n"
            case 0x0D: escape = "\\r"
            case 0x09: escape = "\\t"
            case 0x00..<0x20, 0x7F:
                let hex = String(byte, radix: 16)
                escape = "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            case 0xE2:
                // U+2028 and U+2029 (E2 80 A8/A9).
                let next = utf8.index(after: index)
                if next != utf8.endIndex, utf8[next] == 0x80 {
                    let third = utf8.index(after: next)
                    if third != utf8.endIndex, utf8[third] == 0xA8 || utf8[third] == 0xA9 {
                        escape = utf8[third] == 0xA8 ? "\\u2028" : "\\u2029"
                        length = 3
                    }
                }
            default:
                break
            }
            if let escape {
                out += s[runStart..<index]
                out += escape
                index = utf8.index(index, offsetBy: length)
                runStart = index
            } else {
                index = utf8.index(after: index)
            }
        }
        out += s[runStart..<utf8.endIndex]
        out += "\""
    }
}
