import Foundation
import Safety

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
        case .string(let s): JSONStringLiteral.append(s, to: &out)
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
                JSONStringLiteral.append(key, to: &out)
                out += ":"
                write(members[key]!, into: &out)
            }
            out += "}"
        }
    }
}
