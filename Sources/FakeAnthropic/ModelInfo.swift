/// One entry of GET /v1/models. JSON: `{"id":…,"display_name":…,"created_at":"2025-…Z"}`.
public struct ModelInfo: Sendable, Equatable, Codable {
    public var id: String
    public var displayName: String
    /// RFC 3339 timestamp, e.g. "2025-09-29T00:00:00Z". Listing is sorted by it, newest first.
    public var createdAt: String

    public init(id: String, displayName: String, createdAt: String) {
        self.id = id
        self.displayName = displayName
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case displayName = "display_name"
        case createdAt = "created_at"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.id = try c.decode(String.self, forKey: .id)
        self.displayName = try c.decodeIfPresent(String.self, forKey: .displayName) ?? id
        self.createdAt = try c.decodeIfPresent(String.self, forKey: .createdAt) ?? "2025-01-01T00:00:00Z"
    }

    /// The three default models (newest first).
    public static let defaults: [ModelInfo] = [
        ModelInfo(
            id: "claude-sonnet-4-5-20250929", displayName: "Claude Sonnet 4.5", createdAt: "2025-09-29T00:00:00Z"),
        ModelInfo(id: "claude-opus-4-1-20250805", displayName: "Claude Opus 4.1", createdAt: "2025-08-05T00:00:00Z"),
        ModelInfo(id: "claude-3-5-haiku-20241022", displayName: "Claude Haiku 3.5", createdAt: "2024-10-22T00:00:00Z"),
    ]
}
