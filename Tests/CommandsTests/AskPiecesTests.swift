import AnthropicAPI
import ChatCore
import Safety
import Testing

@testable import Commands

@Suite struct AskPiecesTests {
    static let key = "sk-ant-api03-" + String(repeating: "Q", count: 93) + "AA"

    @Test(arguments: [
        (APIError.Kind.authentication, PalaverExitCode.keyRejected),
        (.permission, .permissionOrBilling), (.billing, .permissionOrBilling), (.noCredit, .permissionOrBilling),
        (.rateLimited, .rateLimited), (.overloaded, .rateLimited),
        (.network, .network), (.timeout, .network), (.truncated, .network),
        (.cancelled, .interrupted), (.insecureTransport, .usage), (.invalidConfiguration, .usage),
        (.invalidRequest, .apiError), (.notFound, .apiError), (.apiError, .apiError), (.malformedResponse, .apiError),
        (.requestTooLarge, .apiError), (.serviceUnavailable, .apiError),
    ])
    func exitStatusFollowsTheTable(kind: APIError.Kind, status: PalaverExitCode) {
        #expect(PalaverExitCode(for: APIError(kind: kind, message: "")) == status)
    }

    @Test func reportSaysWhatHappenedAndWhatToDoWithoutTheKey() {
        var error = APIError(
            kind: .authentication, httpStatus: 401, errorType: "authentication_error",
            message: "invalid x-api-key", requestID: "req_42")
        error.attempts = 1
        let report = ErrorReport(
            error: error, keyDescription: "\(Secrets.mask(Self.key)) from ANTHROPIC_API_KEY",
            baseURL: "https://api.anthropic.com"
        ).text
        #expect(report.hasPrefix("The API rejected the key"))
        for fact in [
            "sk-ant-…QQAA from ANTHROPIC_API_KEY", "HTTP 401", "authentication_error", "invalid x-api-key", "req_42",
            "console.anthropic.com/settings/keys",
        ] {
            #expect(report.contains(fact), "missing \(fact)")
        }
        #expect(!report.contains(Self.key))
    }

    @Test func reportOfAnInterruptedReplySaysSo() {
        var error = APIError(kind: .network, message: "connection reset")
        error.partial = Message(content: [.text("half")])
        let text = ErrorReport(error: error, keyDescription: nil, baseURL: "b").text
        #expect(text.hasPrefix("The reply was interrupted: could not reach the API"))
    }

    @Test func rateLimitAdviceNamesTheWait() {
        let error = APIError(kind: .rateLimited, httpStatus: 429, message: "slow", retryAfter: .seconds(120))
        #expect(ErrorReport(error: error, keyDescription: nil, baseURL: "b").text.contains("Wait 2 min"))
    }

    @Test func sanitizingRemovesEscapeSequencesAndControls() {
        #expect(UntrustedText.sanitize("a\u{1B}[31mred\u{1B}[0m b") == "ared b")
        #expect(UntrustedText.sanitize("t\u{1B}]0;title\u{07}x") == "tx")
        #expect(UntrustedText.sanitize("c\u{1B}]52;c;Zm9v\u{1B}\\d") == "cd")
        // One sanitiser for every path: other controls stay visible as U+FFFD, a lone CR is a line
        // break, and an 8-bit CSI takes its final byte with it, as on a terminal.
        #expect(
            UntrustedText.sanitize("keep\nnew\tlines\r and \u{8}bs \u{9B}csi") == "keep\nnew\tlines\n and \u{FFFD}bs si"
        )
        #expect(UntrustedText.sanitize("你好 🙂 é") == "你好 🙂 é")
    }
}
