import AnthropicAPI

/// The JSON reader: never traps, reports an offset inside the input, and what it reads
/// survives writing and reading again unchanged.
struct JSONFuzzTarget: FuzzTarget {
    static let name = "json"
    static let summary = "JSON reader (AnthropicAPI JSON): parse → serialise → parse is the identity"

    var seeds: [[UInt8]] {
        [
            "{\"type\":\"message\",\"content\":[{\"type\":\"text\",\"text\":\"h\\u00e9\\ud83d\\ude00\\n\"}],\"usage\":{\"input_tokens\":12}}",
            "[1, -0, 0.5, 1e-7, 12345678901234567890, -9223372036854775808, true, false, null, \"\", {}]",
            "{\"a\":{\"b\":{\"c\":[[[]]]}},\"e\":\"\\\\\\\"\\/\\b\\f\\n\\r\\t\"}",
            "  \"x\"  ", "-1.5E+308",
            "{\"error\":{\"type\":\"rate_limit_error\",\"message\":\"slow \\u001b]52;c;AAAA\\u0007\"}}",
        ].map(utf8)
    }

    var dictionary: [[UInt8]] {
        [
            "{", "}", "[", "]", ",", ":", "\"", "\\u", "\\ud800", "true", "false", "null", "-", ".", "e", "E+", "0",
            "1e400",
            "\"type\":", "\"index\":",
        ].map(utf8)
    }

    var nestingTokens: [[UInt8]] { ["[", "{\"a\":", "[{\"b\":"].map(utf8) }

    func check(_ input: [UInt8], random: inout FuzzRandom) throws(FuzzFailure) {
        let value: JSONValue
        do {
            value = try JSONValue.parse(input)
        } catch {
            try require(
                error.offset >= 0 && error.offset <= input.count,
                "error offset \(error.offset) outside 0...\(input.count)")
            return
        }
        var nodes = 0
        try walk(value, nodes: &nodes)
        let text = value.serialized()
        let again: JSONValue
        do {
            again = try JSONValue.parse(text)
        } catch {
            throw FuzzFailure("the serialised value does not parse: \(error) in \(text.prefix(200))")
        }
        // The writer writes whole doubles as integers and non-finite ones (1e400 reads as inf) as null.
        try require(
            Self.normalized(again) == Self.normalized(value), "parse(serialise(v)) != v for \(text.prefix(200))")
        try require(again.serialized() == text, "serialising twice differs for \(text.prefix(200))")
    }

    /// `value` with numbers compared by value: whole doubles as ints, non-finite ones as null.
    static func normalized(_ value: JSONValue) -> JSONValue {
        switch value {
        case .double(let d) where !d.isFinite: return .null
        case .double(let d) where d.rounded() == d && abs(d) < 1e15: return .int(Int(d))
        case .array(let items): return .array(items.map(normalized))
        case .object(let members): return .object(members.mapValues(normalized))
        default: return value
        }
    }

    /// Touches every accessor of every node (intValue converts doubles).
    private func walk(_ value: JSONValue, nodes: inout Int) throws(FuzzFailure) {
        nodes += 1
        _ = value.intValue
        _ = value.stringValue
        _ = value.boolValue
        _ = value.isNull
        if let items = value.arrayValue { for item in items { try walk(item, nodes: &nodes) } }
        if let members = value.objectValue { for (_, member) in members { try walk(member, nodes: &nodes) } }
    }
}
