import AnthropicAPI
import Benchmark
import Foundation

// SSE decode + JSON decode + message assembly over a recorded ~10 MB stream of text deltas,
// fed in 16 KiB chunks as libcurl delivers them. `sdk_sse_bench.py` runs the official Python
// SDK's SSEDecoder + json.loads over the same file for comparison.

let benchmarks: @Sendable () -> Void = {
    let stream = RecordedStream.load()
    let megabytes = Double(stream.count) / 1_000_000

    Benchmark(
        "SSE+JSON+assembly, 10 MB text deltas",
        configuration: .init(
            metrics: [.wallClock, .throughput, .mallocCountTotal],
            timeUnits: .milliseconds, maxDuration: .seconds(10), maxIterations: 30)
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try decodeAndAssemble(stream))
        }
    }

    // Why the stream decoder does not use Foundation: the same work with JSONSerialization.
    Benchmark(
        "SSE+JSONSerialization (Foundation), 10 MB text deltas",
        configuration: .init(
            metrics: [.wallClock, .throughput],
            timeUnits: .milliseconds, maxDuration: .seconds(10), maxIterations: 5)
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try decodeWithFoundation(stream))
        }
    }

    print(
        "recorded stream: \(stream.count) bytes (\(String(format: "%.1f", megabytes)) MB); MB/s = \(String(format: "%.1f", megabytes)) / wall-clock seconds"
    )
}

func decodeAndAssemble(_ stream: [UInt8]) throws -> Int {
    var decoder = MessageStreamDecoder()
    var offset = 0
    while offset < stream.count {
        let end = min(offset + 16_384, stream.count)
        try stream[offset..<end].withUnsafeBytes { chunk in
            try decoder.feed(chunk) { _ in }
        }
        offset = end
    }
    precondition(decoder.accumulator.isComplete)
    return decoder.accumulator.message.content.count
}

func decodeWithFoundation(_ stream: [UInt8]) throws -> Int {
    var decoder = SSEDecoder()
    var text = ""
    var offset = 0
    while offset < stream.count {
        let end = min(offset + 16_384, stream.count)
        try stream[offset..<end].withUnsafeBytes { chunk in
            try decoder.feed(chunk) { sse in
                let object = try JSONSerialization.jsonObject(with: Data(sse.data.utf8)) as? [String: Any]
                if let delta = object?["delta"] as? [String: Any], let t = delta["text"] as? String { text += t }
            }
        }
        offset = end
    }
    return text.utf8.count
}

/// The recorded stream: read from `data/stream-10mb.sse`, or generated there (deterministically) first.
enum RecordedStream {
    static var path: String {
        let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent() // Benchmarks/Benchmarks/StreamDecoding
        return here.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(
            "data/stream-10mb.sse"
        ).path
    }

    static func load() -> [UInt8] {
        if let data = FileManager.default.contents(atPath: path) { return Array(data) }
        let bytes = generate(targetBytes: 10_000_000)
        try? FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return bytes
    }

    /// A stream shaped like the API's: message_start, pings, many small text deltas, message_stop.
    static func generate(targetBytes: Int) -> [UInt8] {
        let words = [
            "the", "model", "streams", "a", "reply", "in", "small", "pieces,", "each", "one", "JSON",
            "event", "with", "text", "and", "sometimes", "\\\"quotes\\\"", "or", "\\n", "newlines", "—",
            "naïve", "café", "你好", "🙂", "code:", "`let x = 1`", "{braces}", "tabs\\t",
        ]
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next() -> Int {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Int(state % 1_000_000)
        }
        var out = """
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_bench","type":"message","role":"assistant","model":"claude-bench","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":12,"output_tokens":1}}}

            event: content_block_start
            data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

            event: ping
            data: {"type": "ping"}


            """
        var events = 0
        while out.utf8.count < targetBytes {
            let count = 1 + next() % 6
            let piece = (0..<count).map { _ in words[next() % words.count] }.joined(separator: " ") + " "
            out +=
                "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"\(piece)\"}}\n\n"
            events += 1
            if events % 500 == 0 { out += "event: ping\ndata: {\"type\": \"ping\"}\n\n" }
        }
        out += """
            event: content_block_stop
            data: {"type":"content_block_stop","index":0}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":\(events * 3)}}

            event: message_stop
            data: {"type":"message_stop"}


            """
        return Array(out.utf8)
    }
}
