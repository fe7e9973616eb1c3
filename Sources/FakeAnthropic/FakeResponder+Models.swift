import Foundation
import Hummingbird

/// GET /v1/models (a page of models, newest first) and GET /v1/models/{id}.
extension FakeResponder {
    func answerModels(
        _ endpoint: Endpoint, query: String?, fault: Fault?, context: Context, outcome: Outcome
    ) async throws -> Response {
        let response: JSONValue
        switch endpoint {
        case .model(let id):
            guard let model = state.models().first(where: { $0.id == id }) else {
                return outcome.fail(404, "not_found_error", "model: \(id)")
            }
            response = modelJSON(model)
        default:
            switch modelsPage(query: query) {
            case .success(let page): response = page
            case .failure(let err): return outcome.fail(400, "invalid_request_error", err.message)
            }
        }
        return try await deliverNonStreaming(response, fault: fault, context: context, outcome: outcome)
    }

    private func modelJSON(_ m: ModelInfo) -> JSONValue {
        .object([
            ("type", .string("model")),
            ("id", .string(m.id)),
            ("display_name", .string(m.displayName)),
            ("created_at", .string(m.createdAt)),
        ])
    }

    static func sortedNewestFirst(_ models: [ModelInfo]) -> [ModelInfo] {
        let iso = ISO8601DateFormatter()
        let isoFrac = ISO8601DateFormatter()
        isoFrac.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        func date(_ s: String) -> Date? { iso.date(from: s) ?? isoFrac.date(from: s) }
        return models.enumerated().sorted { a, b in
            let da = date(a.element.createdAt)
            let db = date(b.element.createdAt)
            if let da, let db, da != db { return da > db }
            if da == nil || db == nil, a.element.createdAt != b.element.createdAt {
                return a.element.createdAt > b.element.createdAt
            }
            return a.offset < b.offset
        }.map(\.element)
    }

    /// The page the query asks for (`limit`, then `after_id` or `before_id`), or a 400 message.
    private func modelsPage(query: String?) -> Result<JSONValue, MessageValidation.ValidationError> {
        let items = HTTPHelpers.queryItems(query)
        func param(_ name: String) -> String? { items.last(where: { $0.0 == name })?.1 }
        var limit = 20
        if let l = param("limit") {
            guard let v = Int(l) else { return .failure(.init("limit: Input should be a valid integer")) }
            guard (1...1000).contains(v) else {
                return .failure(
                    .init("limit: Input should be greater than or equal to 1 and less than or equal to 1000"))
            }
            limit = v
        }
        let (page, hasMore) = Self.page(
            of: Self.sortedNewestFirst(state.models()), limit: limit,
            afterID: param("after_id"), beforeID: param("before_id"))
        return .success(
            .object([
                ("data", .array(page.map(modelJSON))),
                ("has_more", .bool(hasMore)),
                ("first_id", page.first.map { .string($0.id) } ?? .null),
                ("last_id", page.last.map { .string($0.id) } ?? .null),
            ]))
    }

    /// Up to `limit` models just after `afterID`, else just before `beforeID`, else from the start
    /// (an empty page when the named model is not there), and whether more lie beyond the page.
    private static func page(
        of all: [ModelInfo], limit: Int, afterID: String?, beforeID: String?
    ) -> (page: [ModelInfo], hasMore: Bool) {
        if let after = afterID, !after.isEmpty {
            guard let idx = all.firstIndex(where: { $0.id == after }) else { return ([], false) }
            let rest = Array(all[(idx + 1)...])
            return (Array(rest.prefix(limit)), rest.count > limit)
        }
        if let before = beforeID, !before.isEmpty {
            guard let idx = all.firstIndex(where: { $0.id == before }) else { return ([], false) }
            let head = Array(all[..<idx])
            return (Array(head.suffix(limit)), head.count > limit)
        }
        return (Array(all.prefix(limit)), all.count > limit)
    }
}
