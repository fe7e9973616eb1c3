/// A tool call the fake replies with.
public struct ToolUse: Sendable, Equatable, Codable {
    /// Tool name.
    public var name: String
    /// The tool input as a serialized JSON object (e.g. `{"city":"Paris"}`).
    public var inputJSON: String
    /// tool_use block id; default a generated `toolu_01…`.
    public var id: String?

    public init(name: String, inputJSON: String = "{}", id: String? = nil) {
        self.name = name
        self.inputJSON = inputJSON
        self.id = id
    }

    enum CodingKeys: String, CodingKey { case name, input, id }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.name = try c.decode(String.self, forKey: .name)
        self.id = try c.decodeIfPresent(String.self, forKey: .id)
        if let input = try c.decodeIfPresent(JSONValue.self, forKey: .input) {
            guard case .object = input else {
                throw DecodingError.dataCorruptedError(
                    forKey: .input, in: c, debugDescription: "tool_use.input must be a JSON object")
            }
            self.inputJSON = input.serialized
        } else {
            self.inputJSON = "{}"
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encodeIfPresent(id, forKey: .id)
        try c.encode((try? JSONValue.parse(inputJSON)) ?? .object([]), forKey: .input)
    }

    var inputValue: JSONValue { (try? JSONValue.parse(inputJSON)) ?? .object([]) }
}
