import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The SSE stream of a messages request, and the faults that act on a stream.
extension FakeResponder {
    func stream(
        plan: ReplyPlan, reply: ReplyConfig, fault: Fault?, context: Context, token: ActiveToken, outcome: Outcome
    ) async throws -> Response {
        let requestID = outcome.requestID
        let channel = context.channel
        var extra = state.rateLimits().headers
        extra["cache-control"] = "no-cache"
        for (k, v) in fault?.headers ?? [:] { extra[k] = v }
        let headers = HTTPHelpers.baseHeaders(
            requestID: requestID, contentType: "text/event-stream; charset=utf-8", extra: extra
        )
        if let f = fault, f.kind == .gzip {
            return outcome.finish(Self.gzippedStream(plan.streamSteps, fault: f, requestID: requestID), fault: .gzip)
        }
        let steps = Self.steps(plan.streamSteps, fault: fault)

        // Faults with after_events -1 act before the response headers.
        var streamFault = fault
        if let f = fault, f.afterEvents < 0 {
            switch f.kind {
            case .drop:
                _ = outcome.finish(Response(status: .ok), fault: .drop)
                channel.close(promise: nil)
                return Response(status: .ok)
            case .stall:
                _ = outcome.finish(Response(status: .ok), fault: .stall)
                do {
                    try await HTTPHelpers.pause(seconds: f.stallSeconds, channel: channel, state: state)
                } catch is ClientGone {
                    return Response(status: .ok)
                }
                streamFault = nil
            default:
                streamFault?.afterEvents = 0
            }
        }
        let script = StreamScript(
            steps: steps, fault: streamFault, delaySeconds: Double(reply.delayMs) / 1000,
            pingEvery: reply.pingEvery, channel: channel, state: state, requestID: requestID)
        let response = Response(
            status: .ok, headers: headers,
            body: .init { writer in
                _ = token // keeps the response counted as active until the stream ends
                try await script.write(to: &writer)
            })
        return outcome.finish(response, fault: fault?.kind)
    }

    /// The whole stream at once, gzip-wrapped (the gzip fault).
    private static func gzippedStream(_ steps: [ReplyPlan.Step], fault: Fault, requestID: String) -> Response {
        let whole = steps.map { step -> String in
            switch step {
            case .event(let t), .delta(let t): return t
            }
        }.joined()
        return FaultBodies.gzipped(
            Array(whole.utf8), status: 200, contentType: "text/event-stream; charset=utf-8",
            fault: fault, requestID: requestID)
    }

    /// The planned steps, after a wrong-shaped message_start first for the wrong_shape fault.
    private static func steps(_ planned: [ReplyPlan.Step], fault: Fault?) -> [ReplyPlan.Step] {
        guard let f = fault, f.kind == .wrongShape else { return planned }
        let data = f.body.map { $0.replacingOccurrences(of: "\n", with: " ") } ?? "{\"type\": 42}"
        return [.event("event: message_start\ndata: \(data)\n\n")] + planned
    }
}

/// Writes a stream's steps: a pause of `delaySeconds` between deltas, a ping every `pingEvery`
/// deltas, and the fault fired after its `after_events`-th delta (0: before the first).
struct StreamScript {
    let steps: [ReplyPlan.Step]
    let fault: Fault?
    let delaySeconds: Double
    let pingEvery: Int
    let channel: any Channel
    let state: FakeState
    let requestID: String

    /// The number of deltas after which the fault fires (at most all of them).
    var trigger: Int? {
        let totalDeltas = steps.reduce(0) { n, s in if case .delta = s { return n + 1 } else { return n } }
        return fault.map { min(max(0, $0.afterEvents), totalDeltas) }
    }

    func write(to writer: inout any ResponseBodyWriter) async throws {
        let trigger = self.trigger
        var deltas = 0
        // Set once a trickle fault fired: from then on every byte goes out alone, `interval` apart.
        var trickle: Double?
        func send(_ text: String, _ writer: inout any ResponseBodyWriter) async throws {
            guard let interval = trickle else { return try await writer.write(ByteBuffer(string: text)) }
            for byte in text.utf8 {
                try await writer.write(ByteBuffer(bytes: [byte]))
                try await HTTPHelpers.pause(seconds: interval, channel: channel, state: state)
            }
        }
        if let f = fault, trigger == 0 {
            if f.kind == .trickle { trickle = Double(f.intervalMs) / 1000 }
            if try await fire(f, writer: &writer) { return }
        }
        for step in steps {
            switch step {
            case .event(let text):
                try await send(text, &writer)
            case .delta(let text):
                if deltas > 0, delaySeconds > 0 {
                    try await HTTPHelpers.pause(seconds: delaySeconds, channel: channel, state: state)
                }
                try await send(text, &writer)
                deltas += 1
                if let f = fault, deltas == trigger {
                    if f.kind == .trickle { trickle = Double(f.intervalMs) / 1000 }
                    if try await fire(f, writer: &writer) { return }
                }
                if pingEvery > 0, deltas % pingEvery == 0 {
                    try await send(ReplyPlan.ping, &writer)
                }
            }
        }
        try await writer.finish(nil)
    }

    /// Applies a stream fault. Returns true when the stream has ended.
    private func fire(_ fault: Fault, writer: inout any ResponseBodyWriter) async throws -> Bool {
        switch fault.kind {
        case .streamError:
            let type = fault.errorType ?? "overloaded_error"
            let message = fault.message ?? ErrorDefaults.message(forType: type)
            let event =
                "event: error\ndata: \(HTTPHelpers.errorJSON(type: type, message: message, requestID: requestID).serialized)\n\n"
            try await writer.write(ByteBuffer(string: event))
            try await writer.finish(nil)
            return true
        case .drop:
            // let what was written leave before the connection goes away
            try await Task.sleep(for: .milliseconds(20))
            throw DropConnection()
        case .stall:
            try await HTTPHelpers.pause(seconds: fault.stallSeconds, channel: channel, state: state)
            return false
        case .pings:
            while true {
                try await writer.write(ByteBuffer(string: ReplyPlan.ping))
                try await HTTPHelpers.pause(seconds: Double(fault.intervalMs) / 1000, channel: channel, state: state)
            }
        case .hugeLine:
            try await writer.write(ByteBuffer(string: "data: "))
            try await FaultBodies.writeFiller(fault.sizeBytes, writer: &writer, channel: channel, state: state)
            try await writer.write(ByteBuffer(string: "\n\n"))
            return false
        case .status, .headers, .redirect, .gzip, .trickle, .hugeBody, .wrongShape:
            return false
        }
    }
}
