import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Faults on answers that are not streams: those that replace the answer, and those that change
/// how a complete JSON answer is delivered.
extension FakeResponder {
    /// The answer a fault gives instead of the endpoint's (status, redirect, huge body, gzipped
    /// error, wrong shape); nil when the fault acts on the endpoint's own answer instead.
    func faultInsteadOfAnswer(
        _ fault: Fault, apiPath: String, body bodyBytes: [UInt8], context: Context, outcome: Outcome
    ) -> Response? {
        let requestID = outcome.requestID
        switch fault.kind {
        case .status:
            return outcome.finish(statusFaultResponse(fault, requestID: requestID), fault: .status)
        case .redirect:
            var headers = fault.headers
            headers["location"] = fault.location ?? "https://elsewhere.example/v1/messages"
            let status = (300...399).contains(fault.status ?? 0) ? fault.status! : 302
            return outcome.finish(
                Response(
                    status: .init(code: status),
                    headers: HTTPHelpers.baseHeaders(requestID: requestID, contentType: nil, extra: headers),
                    body: .init()), fault: .redirect)
        case .hugeBody,
            .hugeLine where !isStreamingRequest(bodyBytes):
            return outcome.finish(
                FaultBodies.huge(fault, requestID: requestID, channel: context.channel, state: state), fault: fault.kind
            )
        case .gzip where (fault.status ?? 200) >= 400:
            let type = fault.errorType ?? ErrorDefaults.type(forStatus: fault.status!)
            let json = HTTPHelpers.errorJSON(
                type: type, message: fault.message ?? ErrorDefaults.message(forType: type), requestID: requestID)
            return outcome.finish(
                FaultBodies.gzipped(
                    Array(json.serialized.utf8), status: fault.status!, contentType: "application/json",
                    fault: fault, requestID: requestID), fault: .gzip)
        case .wrongShape where !isStreamingRequest(bodyBytes):
            return outcome.finish(
                HTTPHelpers.jsonText(
                    status: 200, fault.body ?? FaultBodies.wrongShape(apiPath: apiPath),
                    requestID: requestID, extraHeaders: fault.headers), fault: .wrongShape)
        default:
            return nil
        }
    }

    func statusFaultResponse(_ fault: Fault, requestID: String) -> Response {
        let status = fault.status ?? 500
        if let body = fault.body {
            let contentType: String? =
                body.isEmpty ? fault.contentType : (fault.contentType ?? "text/html; charset=utf-8")
            return Response(
                status: .init(code: status),
                headers: HTTPHelpers.baseHeaders(requestID: requestID, contentType: contentType, extra: fault.headers),
                body: .init(byteBuffer: ByteBuffer(string: body))
            )
        }
        let type = fault.errorType ?? ErrorDefaults.type(forStatus: status)
        let message = fault.message ?? ErrorDefaults.message(forType: type)
        return HTTPHelpers.error(
            status: status, type: type, message: message, requestID: requestID, extraHeaders: fault.headers)
    }

    /// Delivers a complete 200 JSON response, applying a non-status fault if any:
    /// stall → nothing at all sent for stall_seconds, then the response; drop → after_events -1:
    /// no response at all, 0: headers only, >0: headers and half the body, then the connection
    /// closes; stream_error → an HTTP error status instead.
    func deliverNonStreaming(_ json: JSONValue, fault: Fault?, context: Context, outcome: Outcome) async throws
        -> Response
    {
        let requestID = outcome.requestID
        let text = json.serialized
        let rateLimits = state.rateLimits().headers
        guard let fault else {
            return outcome.finish(
                HTTPHelpers.jsonText(status: 200, text, requestID: requestID, extraHeaders: rateLimits), fault: nil)
        }
        let response = HTTPHelpers.jsonText(
            status: 200, text, requestID: requestID,
            extraHeaders: rateLimits.merging(fault.headers) { _, fromFault in fromFault })
        switch fault.kind {
        case .status, .redirect, .hugeBody, .hugeLine, .wrongShape:
            return outcome.finish(statusFaultResponse(fault, requestID: requestID), fault: .status)
        case .headers:
            return outcome.finish(response, fault: .headers)
        case .gzip:
            return outcome.finish(
                FaultBodies.gzipped(
                    Array(text.utf8), status: 200, contentType: "application/json",
                    fault: fault, requestID: requestID), fault: .gzip)
        case .pings, .trickle:
            return outcome.finish(
                slowResponse(text, fault: fault, headers: response.headers, context: context), fault: fault.kind)
        case .streamError:
            let type = fault.errorType ?? "overloaded_error"
            let status = fault.status ?? ErrorDefaults.status(forType: type)
            let message = fault.message ?? ErrorDefaults.message(forType: type)
            return outcome.finish(
                HTTPHelpers.error(
                    status: status, type: type, message: message, requestID: requestID,
                    extraHeaders: fault.headers), fault: .streamError)
        case .stall:
            _ = outcome.finish(response, fault: .stall)
            do {
                try await HTTPHelpers.pause(seconds: fault.stallSeconds, channel: context.channel, state: state)
            } catch is ClientGone {
                return Response(status: .ok)
            }
            return response
        case .drop:
            _ = outcome.finish(response, fault: .drop)
            return droppedResponse(text, fault: fault, headers: response.headers, context: context)
        }
    }

    /// pings: spaces (valid JSON padding) `interval_ms` apart, never the body; trickle: the body
    /// one byte at a time, `interval_ms` apart.
    private func slowResponse(_ text: String, fault: Fault, headers: HTTPFields, context: Context) -> Response {
        let channel = context.channel
        let state = self.state
        let bytes = Array(text.utf8)
        let interval = Double(fault.intervalMs) / 1000
        let kind = fault.kind
        return Response(
            status: .ok, headers: headers,
            body: .init { writer in
                if kind == .pings {
                    while true { // a space is valid JSON padding: the body never completes
                        try await writer.write(ByteBuffer(string: " "))
                        try await HTTPHelpers.pause(seconds: interval, channel: channel, state: state)
                    }
                }
                for byte in bytes {
                    try await writer.write(ByteBuffer(bytes: [byte]))
                    try await HTTPHelpers.pause(seconds: interval, channel: channel, state: state)
                }
                try await writer.finish(nil)
            })
    }

    /// The connection closes: at once (after_events -1), after the headers (0) or after half the body (>0).
    private func droppedResponse(_ text: String, fault: Fault, headers: HTTPFields, context: Context) -> Response {
        if fault.afterEvents < 0 {
            context.channel.close(promise: nil)
            return Response(status: .ok)
        }
        let full = ByteBuffer(string: text)
        let sendBytes = fault.afterEvents == 0 ? 0 : full.readableBytes / 2
        let partial = full.getSlice(at: full.readerIndex, length: sendBytes) ?? ByteBuffer()
        return Response(
            status: .ok,
            headers: headers,
            body: .init(contentLength: full.readableBytes) { writer in
                if partial.readableBytes > 0 { try await writer.write(partial) }
                // give the bytes a moment to leave before the connection goes away
                try await Task.sleep(for: .milliseconds(20))
                throw DropConnection()
            }
        )
    }
}
