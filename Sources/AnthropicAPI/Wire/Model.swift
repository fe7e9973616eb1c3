/// One entry of `GET /v1/models`.
public struct ModelInfo: Sendable, Equatable {
    public var id: String
    public var displayName: String
    /// RFC 3339 text as sent; sorting on it is chronological for the API's UTC timestamps.
    public var createdAt: String

    public init(id: String, displayName: String, createdAt: String) {
        self.id = id
        self.displayName = displayName
        self.createdAt = createdAt
    }
}

/// One page of `GET /v1/models`, newest first.
public struct ModelPage: Sendable, Equatable {
    public var models: [ModelInfo]
    public var hasMore: Bool
    public var lastID: String?
    /// The rate-limit headers of the response that carried the page.
    public var rateLimits = RateLimits()

    init(json: JSONValue) throws(APIError) {
        guard let data = json["data"]?.arrayValue else {
            throw APIError(
                kind: .malformedResponse,
                message:
                    "the model list is JSON but has no \"data\" array: expected {\"data\": [{\"id\": …}, …]}, got \(json.shapeDescription)"
            )
        }
        models = data.compactMap { item in
            guard let id = item["id"]?.stringValue else { return nil }
            return ModelInfo(
                id: id, displayName: item["display_name"]?.stringValue ?? id,
                createdAt: item["created_at"]?.stringValue ?? "")
        }
        hasMore = json["has_more"]?.boolValue ?? false
        lastID = json["last_id"]?.stringValue
    }
}

extension Sequence<ModelInfo> {
    /// The models, newest (by creation date) first.
    public var newestFirst: [ModelInfo] { sorted { $0.createdAt > $1.createdAt } }
}
