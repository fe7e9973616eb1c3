import Foundation
import Hummingbird

/// POST /v1/messages (a whole message or a stream) and POST /v1/messages/count_tokens.
extension FakeResponder {
    func answerMessages(
        _ endpoint: Endpoint, body bodyBytes: [UInt8], fault: Fault?, context: Context, token: ActiveToken,
        outcome: Outcome
    ) async throws -> Response {
        let isCount: Bool
        if case .countTokens = endpoint { isCount = true } else { isCount = false }
        let parsed: MessageRequest
        switch Self.messageRequest(bodyBytes, requireMaxTokens: !isCount) {
        case .success(let r): parsed = r
        case .failure(let err): return outcome.fail(400, "invalid_request_error", err.message)
        }
        guard state.models().contains(where: { $0.id == parsed.model }) else {
            return outcome.fail(404, "not_found_error", "model: \(parsed.model)")
        }
        if isCount {
            let response: JSONValue = .object([("input_tokens", .int(parsed.inputTokens))])
            return try await deliverNonStreaming(response, fault: fault, context: context, outcome: outcome)
        }
        let reply = state.reply()
        let plan = ReplyPlan(request: parsed, reply: reply)
        if !parsed.stream {
            return try await deliverNonStreaming(plan.messageJSON, fault: fault, context: context, outcome: outcome)
        }
        return try await stream(
            plan: plan, reply: reply, fault: fault, context: context, token: token, outcome: outcome)
    }

    /// The request a messages body makes, or the 400 message for an empty body, one that is not
    /// JSON or one the API would refuse.
    private static func messageRequest(
        _ bodyBytes: [UInt8], requireMaxTokens: Bool
    ) -> Result<MessageRequest, MessageValidation.ValidationError> {
        if bodyBytes.isEmpty {
            return .failure(.init("Request body is empty: expected a JSON object."))
        }
        let body: JSONValue
        do {
            body = try JSONValue.parse(bodyBytes)
        } catch {
            return .failure(.init("Request body is not valid JSON: \(error)"))
        }
        return MessageValidation.validate(body, requireMaxTokens: requireMaxTokens)
    }
}
