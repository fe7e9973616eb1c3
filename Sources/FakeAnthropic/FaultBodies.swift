import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The bodies of the faults that are about size, shape and encoding (see `Fault.Kind`).
enum FaultBodies {
    /// Wrong-shaped but valid JSON for an endpoint.
    static func wrongShape(apiPath: String) -> String {
        if apiPath.hasPrefix("/v1/models") { return #"{"data":{"id":"claude-not-a-list"},"has_more":false}"# }
        if apiPath == "/v1/messages/count_tokens" { return #"{"input_tokens":"many"}"# }
        return "[1,2,3]"
    }

    /// `bytes` gzip-wrapped, labelled with the fault's `content_encoding` (default gzip).
    static func gzipped(_ bytes: [UInt8], status: Int, contentType: String, fault: Fault, requestID: String) -> Response
    {
        var headers = fault.headers
        headers["content-encoding"] = fault.contentEncoding ?? "gzip"
        return Response(
            status: .init(code: status),
            headers: HTTPHelpers.baseHeaders(requestID: requestID, contentType: contentType, extra: headers),
            body: .init(byteBuffer: ByteBuffer(bytes: Gzip.wrap(bytes))))
    }

    /// A JSON body of `fault.sizeBytes` filler bytes inside a message (status < 400) or an error
    /// message (status ≥ 400), written in 64 KiB pieces so the fake itself stays small.
    static func huge(_ fault: Fault, requestID: String, channel: any Channel, state: FakeState) -> Response {
        let status = fault.status ?? 200
        let head: String
        let tail: String
        if status >= 400 {
            let type = fault.errorType ?? ErrorDefaults.type(forStatus: status)
            head = #"{"type":"error","error":{"type":"\#(type)","message":""#
            tail = #""},"request_id":"\#(requestID)"}"#
        } else {
            head =
                #"{"type":"message","id":"msg_01huge","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[{"type":"text","text":""#
            tail = #""}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":1,"output_tokens":1}}"#
        }
        let size = fault.sizeBytes
        return Response(
            status: .init(code: status),
            headers: HTTPHelpers.baseHeaders(
                requestID: requestID, contentType: "application/json", extra: fault.headers),
            body: .init { writer in
                try await writer.write(ByteBuffer(string: head))
                try await writeFiller(size, writer: &writer, channel: channel, state: state)
                try await writer.write(ByteBuffer(string: tail))
                try await writer.finish(nil)
            })
    }

    private static let piece = ByteBuffer(repeating: UInt8(ascii: "x"), count: 64 * 1024)

    /// Writes `count` bytes of "x", stopping when the client goes away or the server stops.
    static func writeFiller(_ count: Int, writer: inout any ResponseBodyWriter, channel: any Channel, state: FakeState)
        async throws
    {
        var left = count
        while left > 0 {
            if !channel.isActive { throw ClientGone() }
            if state.isStopping { throw CancellationError() }
            let n = min(left, piece.readableBytes)
            try await writer.write(n == piece.readableBytes ? piece : piece.getSlice(at: 0, length: n)!)
            left -= n
        }
    }
}
