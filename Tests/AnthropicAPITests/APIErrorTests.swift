import Foundation
import Testing

@testable import AnthropicAPI

@Suite struct APIErrorTests {
    private func error(_ status: Int, _ body: String, headers: [(String, String)] = []) -> APIError {
        APIError(status: status, headers: HTTPHeaders(headers), body: Array(body.utf8))
    }

    private func apiBody(_ type: String, _ message: String) -> String {
        #"{"type":"error","error":{"type":"\#(type)","message":"\#(message)"},"request_id":"req_body"}"#
    }

    @Test(arguments: [
        (400, "invalid_request_error", APIError.Kind.invalidRequest, false),
        (401, "authentication_error", .authentication, false),
        (402, "billing_error", .billing, false),
        (403, "permission_error", .permission, false),
        (404, "not_found_error", .notFound, false),
        (408, "request_timeout", .requestTimeout, true),
        (409, "conflict_error", .conflict, true),
        (413, "request_too_large", .requestTooLarge, false),
        (429, "rate_limit_error", .rateLimited, true),
        (500, "api_error", .apiError, true),
        (503, "service_unavailable", .serviceUnavailable, true),
        (504, "timeout_error", .serverTimeout, true),
        (529, "overloaded_error", .overloaded, true),
    ])
    func everyStatusMapsToItsKind(status: Int, type: String, kind: APIError.Kind, retryable: Bool) {
        let json = error(status, apiBody(type, "something"), headers: [("request-id", "req_header")])
        #expect(json.kind == kind)
        #expect(json.httpStatus == status)
        #expect(json.errorType == type)
        #expect(json.message == "something")
        #expect(json.requestID == "req_header")
        #expect(json.isRetryable == retryable)

        // A proxy's HTML page or an empty body still gives the status's kind.
        let html = error(
            status, "<html><head><title>\(status) Bad Gateway</title></head><body>nginx</body></html>",
            headers: [("content-type", "text/html")])
        #expect(html.kind == kind)
        #expect(html.httpStatus == status)
        #expect(html.errorType == nil)
        #expect(html.message.contains("HTML page titled \"\(status) Bad Gateway\""))
        let empty = error(status, "")
        #expect(empty.kind == kind)
        #expect(empty.message.contains("empty body"))
    }

    @Test func otherStatusesStillGetAKind() {
        #expect(error(502, "").kind == .apiError)
        #expect(error(502, "").isRetryable)
        #expect(error(418, "I'm a teapot").kind == .otherHTTP)
        #expect(!error(418, "").isRetryable)
    }

    @Test func creditMessageMeansNoCredit() {
        let e = error(
            400,
            apiBody(
                "invalid_request_error",
                "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits."
            ))
        #expect(e.kind == .noCredit)
        #expect(!e.isRetryable)
    }

    @Test func requestIDComesFromTheBodyWhenTheHeaderIsMissing() {
        #expect(error(500, apiBody("api_error", "x")).requestID == "req_body")
    }

    @Test(arguments: [(529, "false", false), (400, "true", true)])
    func shouldRetryHeaderOverridesTheStatus(status: Int, header: String, retryable: Bool) {
        #expect(error(status, "", headers: [("x-should-retry", header)]).isRetryable == retryable)
    }

    @Test(
        arguments: [
            ([("retry-after-ms", "250")], .milliseconds(250)),
            ([("retry-after", "3")], .seconds(3)),
            ([("retry-after", "1.5"), ("retry-after-ms", "700")], .milliseconds(700)),
            ([("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")], .seconds(10)), // ten seconds after `now`
            ([("retry-after", "soon")], nil),
        ] as [([(String, String)], Duration?)])
    func retryAfterIsReadInEveryForm(_ headers: [(String, String)], expected: Duration?) {
        let now = Date(timeIntervalSince1970: 1_445_412_470) // 2015-10-21 07:27:50 GMT
        #expect(APIError(status: 429, headers: HTTPHeaders(headers), body: [], now: now).retryAfter == expected)
    }

    @Test func descriptionNamesEverythingButNeverTheKey() {
        let key = "sk-ant-api03-" + String(repeating: "x", count: 93) + "AA"
        let e = error(
            401, apiBody("authentication_error", "invalid x-api-key \(key)"), headers: [("request-id", "req_1")])
        #expect(!e.description.contains(key))
        #expect(e.description.contains("sk-ant-…xxAA"))
        #expect(e.description.contains("HTTP 401"))
        #expect(e.description.contains("authentication_error"))
        #expect(e.description.contains("req_1"))
    }

    @Test(arguments: [
        ("overloaded_error", APIError.Kind.overloaded), ("rate_limit_error", .rateLimited),
        ("something_new", .apiError),
    ])
    func streamErrorTypesMapLikeStatuses(type: String, kind: APIError.Kind) {
        #expect(APIError(streamErrorType: type, message: "", requestID: nil).kind == kind)
    }

    @Test func kindsMatchInCatchPatterns() {
        let thrown: any Error = error(401, "")
        switch thrown {
        case APIError.Kind.authentication: break
        default: Issue.record("pattern did not match")
        }
    }

    @Test func maskingShowsOnlyTheLastFour() {
        #expect(Secrets.mask("sk-ant-api03-abcdefghijklmnopWXYZ") == "sk-ant-…WXYZ")
        #expect(Secrets.mask("sk-proj-abcdefghijkl1234") == "…1234")
        #expect(Secrets.mask("short") == "…")
        #expect(Secrets.redact("key=sk-ant-api03-abcdefghijklmnop_-99 end") == "key=sk-ant-…_-99 end")
        #expect(Secrets.redact("task-list sk-a") == "task-list sk-a")
    }
}
