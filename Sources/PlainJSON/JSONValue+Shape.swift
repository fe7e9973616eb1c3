extension JSONValue {
    /// What kind of value this is, for messages about JSON of the wrong shape:
    /// "an array", "a string", "an object with members a, b, c".
    public var shapeDescription: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int, .double: return "a number"
        case .string: return "a string"
        case .array(let items): return items.isEmpty ? "an empty array" : "an array"
        case .object(let members):
            if members.isEmpty { return "an empty object" }
            let names = members.keys.sorted().prefix(5).map { name -> String in
                let shown = name.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F } ? name : "?"
                return String(shown.prefix(40))
            }
            return "an object with members \(names.joined(separator: ", "))\(members.count > 5 ? ", …" : "")"
        }
    }
}
