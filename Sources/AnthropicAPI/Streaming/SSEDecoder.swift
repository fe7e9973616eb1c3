#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One server-sent event: the `event:` name (if any), the joined `data:` lines, `id:` and `retry:`.
public struct ServerSentEvent: Sendable, Equatable {
    public var event: String?
    public var data: String
    public var id: String?
    public var retry: Int?

    public init(event: String? = nil, data: String, id: String? = nil, retry: Int? = nil) {
        self.event = event
        self.data = data
        self.id = id
        self.retry = retry
    }
}

/// An incremental decoder for `text/event-stream`, framed as the official SDK frames it.
///
/// Feed it chunks exactly as they arrive; a chunk boundary may fall anywhere, including inside
/// a line ending (CR | LF) or inside a UTF-8 sequence (lines are kept as bytes until complete).
/// Lines end in LF, CRLF or CR; a blank line ends an event; lines starting with `:` are
/// comments; `field: value` loses one leading space; `data:` lines join with `\n`; unknown
/// fields are ignored; an unterminated last event is never emitted.
///
/// Memory is bounded: a line, or the `data` of one event, longer than `maxLineBytes` stops the
/// decoder (`limitExceeded` is set and every later chunk is ignored), so a hostile server cannot
/// make it buffer without end.
public struct SSEDecoder: Sendable {
    /// The default bound for one line and for one event's data: 16 MiB.
    public static let defaultMaxLineBytes = 16 << 20

    /// The longest line, and the most `data` one event may carry, in bytes.
    public var maxLineBytes: Int
    /// Set once a line or an event went over `maxLineBytes`; the decoder then stops.
    public private(set) var limitExceeded = false

    private var partialLine: [UInt8] = []
    /// The previous chunk ended in CR: an LF at the start of the next chunk belongs to it.
    private var skipLeadingLF = false

    private var eventName = ByteBuffer()
    private var hasEventName = false
    private var data = ByteBuffer()
    private var dataLines = 0
    private var eventID: String?
    private var retry: Int?
    private var sawField = false

    public init(maxLineBytes: Int = SSEDecoder.defaultMaxLineBytes) {
        self.maxLineBytes = max(1, maxLineBytes)
    }

    /// True when a partial line or a partial event is buffered (the stream stopped mid-event).
    public var hasPendingInput: Bool { !partialLine.isEmpty || sawField }

    /// Decodes `chunk`, calling `emit` for every event it completes.
    public mutating func feed(_ chunk: UnsafeRawBufferPointer, _ emit: (ServerSentEvent) throws -> Void) rethrows {
        try feedFrames(chunk) { frame in
            try emit(
                ServerSentEvent(
                    event: frame.event.map { String(decoding: $0, as: UTF8.self) },
                    data: String(decoding: frame.data, as: UTF8.self),
                    id: frame.id, retry: frame.retry))
        }
    }

    /// An event as raw bytes, valid only during the callback: the stream decoder reads it in
    /// place, so a text delta costs no allocation beyond its text.
    struct Frame {
        var event: UnsafeRawBufferPointer?
        var data: UnsafeRawBufferPointer
        var id: String?
        var retry: Int?
    }

    /// Decodes `chunk`, calling `emit` with each completed event's raw bytes.
    mutating func feedFrames(_ chunk: UnsafeRawBufferPointer, _ emit: (Frame) throws -> Void) rethrows {
        guard !limitExceeded, let base = chunk.baseAddress?.assumingMemoryBound(to: UInt8.self), chunk.count > 0 else {
            return
        }
        let end = chunk.count
        var start = 0
        if skipLeadingLF {
            skipLeadingLF = false
            if base[0] == 0x0A { start = 1 }
        }
        while start < end {
            // Find the next line ending: the first LF or CR at or after `start`.
            let remaining = end - start
            let lf = memchr(base + start, 0x0A, remaining).map { UnsafeRawPointer($0) - UnsafeRawPointer(base) }
            let crSearch = (lf ?? end) - start
            let cr =
                crSearch > 0
                ? memchr(base + start, 0x0D, crSearch).map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } : nil
            let lineEnd: Int
            var next: Int
            if let cr {
                lineEnd = cr
                next = cr + 1
                if next < end {
                    if base[next] == 0x0A { next += 1 }
                } else {
                    skipLeadingLF = true
                }
            } else if let lf {
                lineEnd = lf
                next = lf + 1
            } else {
                guard partialLine.count + remaining <= maxLineBytes else { return overflow() }
                partialLine.append(contentsOf: UnsafeBufferPointer(start: base + start, count: remaining))
                return
            }
            guard partialLine.count + (lineEnd - start) <= maxLineBytes else { return overflow() }
            if partialLine.isEmpty {
                try processLine(UnsafeBufferPointer(start: base + start, count: lineEnd - start), emit)
            } else {
                partialLine.append(contentsOf: UnsafeBufferPointer(start: base + start, count: lineEnd - start))
                let line = partialLine
                partialLine.removeAll(keepingCapacity: true)
                try line.withUnsafeBufferPointer { try processLine($0, emit) }
            }
            if limitExceeded { return }
            start = next
        }
    }

    /// Stops the decoder for good and frees what it buffered.
    private mutating func overflow() {
        limitExceeded = true
        partialLine = []
        data = ByteBuffer()
        eventName = ByteBuffer()
        sawField = false
    }

    /// Decodes `chunk` and returns the events it completes.
    public mutating func feed(_ chunk: [UInt8]) -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        chunk.withUnsafeBytes { feed($0) { events.append($0) } }
        return events
    }

    private mutating func processLine(_ line: UnsafeBufferPointer<UInt8>, _ emit: (Frame) throws -> Void) rethrows {
        if line.isEmpty {
            if sawField {
                defer {
                    hasEventName = false
                    eventName.clear()
                    data.clear()
                    dataLines = 0
                    retry = nil
                    sawField = false
                }
                let id = eventID
                let retry = retry
                let named = hasEventName
                try eventName.withUnsafeBytes { name in
                    try data.withUnsafeBytes { bytes in
                        try emit(Frame(event: named ? name : nil, data: bytes, id: id, retry: retry))
                    }
                }
            }
            return
        }
        if line[0] == UInt8(ascii: ":") { return } // comment
        var colon = 0
        while colon < line.count && line[colon] != UInt8(ascii: ":") { colon += 1 }
        var valueStart = min(colon + 1, line.count)
        if valueStart < line.count, line[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
        let value = UnsafeBufferPointer(rebasing: line[valueStart..<line.count])
        switch Field(line, length: colon) {
        case .data:
            guard data.count + value.count + 1 <= maxLineBytes else { return overflow() }
            if dataLines > 0 { data.append(0x0A) }
            data.append(value)
            dataLines += 1
            sawField = true
        case .event:
            eventName.clear()
            eventName.append(value)
            hasEventName = true
            sawField = true
        case .id:
            if !value.contains(0) {
                eventID = String(decoding: value, as: UTF8.self)
                sawField = true
            }
        case .retry:
            // Digits only, at most 9 (about 11 days in ms): a longer value is ignored, as the spec says.
            if value.count <= 9, !value.isEmpty,
                value.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                let n = Int(String(decoding: value, as: UTF8.self))
            {
                retry = n
                sawField = true
            }
        case .unknown:
            break
        }
    }

    /// The field names the decoder acts on, matched byte by byte.
    private enum Field {
        case data, event, id, retry, unknown

        @inline(__always)
        init(_ line: UnsafeBufferPointer<UInt8>, length: Int) {
            func matches(_ word: StaticString) -> Bool {
                guard length == word.utf8CodeUnitCount else { return false }
                let w = word.utf8Start
                for i in 0..<length where line[i] != w[i] { return false }
                return true
            }
            switch length {
            case 4 where matches("data"): self = .data
            case 5 where matches("event"): self = .event
            case 2 where matches("id"): self = .id
            case 5 where matches("retry"): self = .retry
            default: self = .unknown
            }
        }
    }
}

/// A reusable byte buffer: clearing keeps the storage, appending copies with memcpy. Array's
/// `removeAll(keepingCapacity:)` and generic append cost more than the rest of a small event.
struct ByteBuffer: Sendable {
    private var storage: [UInt8] = []
    private(set) var count = 0

    mutating func clear() { count = 0 }

    mutating func append(_ byte: UInt8) {
        if count == storage.count { storage.append(byte) } else { storage[count] = byte }
        count += 1
    }

    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        let needed = count + bytes.count
        if needed > storage.count {
            storage.append(contentsOf: repeatElement(0, count: max(needed - storage.count, storage.count)))
        }
        let start = count
        storage.withUnsafeMutableBufferPointer { memcpy($0.baseAddress! + start, source, bytes.count) }
        count = needed
    }

    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try storage.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
    }
}
