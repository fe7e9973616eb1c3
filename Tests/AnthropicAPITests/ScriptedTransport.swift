import Foundation
import Synchronization

@testable import AnthropicAPI

/// A transport that plays back scripted responses in order and records the requests it got.
final class ScriptedTransport: HTTPTransport, Sendable {
    struct Reply {
        var status: Int
        var headers: [(String, String)] = []
        var chunks: [[UInt8]] = []
        /// Thrown after the chunks (a dropped connection, a timeout).
        var failure: APIError?

        static func sse(_ events: [String], failure: APIError? = nil) -> Reply {
            Reply(
                status: 200, headers: [("content-type", "text/event-stream"), ("request-id", "req_stream")],
                chunks: events.map { Array($0.utf8) }, failure: failure)
        }

        static func json(_ status: Int, _ body: String, headers: [(String, String)] = []) -> Reply {
            Reply(status: status, headers: [("content-type", "application/json")] + headers, chunks: [Array(body.utf8)])
        }
    }

    /// The replies still to play and the requests received so far.
    private struct Script {
        var replies: [Reply]
        var requests: [HTTPRequest] = []
    }

    private let script: Mutex<Script>

    init(_ replies: [Reply]) {
        self.script = Mutex(Script(replies: replies))
    }

    /// The requests received so far, oldest first.
    var requests: [HTTPRequest] { script.withLock { $0.requests } }

    var requestCount: Int { script.withLock { $0.requests.count } }

    func send(_ request: HTTPRequest, options: TransportOptions) -> AsyncThrowingStream<TransportEvent, any Error> {
        let reply: Reply? = script.withLock { s in
            s.requests.append(request)
            return s.replies.isEmpty ? nil : s.replies.removeFirst()
        }
        return AsyncThrowingStream { continuation in
            guard let reply else {
                continuation.finish(throwing: APIError(kind: .network, message: "no scripted reply left"))
                return
            }
            continuation.yield(.head(HTTPResponseHead(status: reply.status, headers: HTTPHeaders(reply.headers))))
            for chunk in reply.chunks { continuation.yield(.body(chunk)) }
            continuation.finish(throwing: reply.failure)
        }
    }
}

/// Records requested waits and returns at once.
final class RecordingSleeper: Sleeper, Sendable {
    private let recorded = Mutex<[Duration]>([])
    var sleeps: [Duration] { recorded.withLock { $0 } }

    func sleep(for duration: Duration) async throws {
        recorded.withLock { $0.append(duration) }
        try Task.checkCancellation()
    }
}

enum SSE {
    static func event(_ name: String, _ json: String) -> String { "event: \(name)\ndata: \(json)\n\n" }
    static let start = event(
        "message_start",
        #"{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":5,"output_tokens":1}}}"#
    )
    static let blockStart = event(
        "content_block_start", #"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#)
    static func text(_ t: String) -> String {
        event(
            "content_block_delta",
            #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"\#(t)"}}"#)
    }
    static let blockStop = event("content_block_stop", #"{"type":"content_block_stop","index":0}"#)
    static let messageDelta = event(
        "message_delta",
        #"{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":7}}"#
    )
    static let stop = event("message_stop", #"{"type":"message_stop"}"#)
    static func complete(_ pieces: [String]) -> [String] {
        [start, blockStart] + pieces.map(text) + [blockStop, messageDelta, stop]
    }
    static let overloaded = event(
        "error", #"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_err"}"#)
}
