import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a raw HTTP/1.1 exchange produced, with timing — for tests that need to see exactly
/// what went over the wire (incomplete bodies, silences, dropped connections).
public struct RawHTTPResponse: Sendable {
    /// Arrival of one read of body bytes, relative to when the response headers arrived.
    public struct Arrival: Sendable {
        public var seconds: Double
        public var bytes: Int
    }

    /// HTTP status, or 0 when no response head arrived (connection closed first).
    public var status: Int
    /// Header names lowercased; repeated headers joined with ", ".
    public var headers: [String: String]
    /// The body, de-chunked when chunked.
    public var body: Data
    /// True if the body ended properly (terminating chunk, or Content-Length bytes received).
    public var complete: Bool
    /// True if the wait ended by the read timeout rather than the server closing.
    public var timedOut: Bool
    /// Seconds from sending the request to receiving the response head.
    public var headerSeconds: Double
    /// Body reads after the head, in order.
    public var arrivals: [Arrival]

    public var text: String { String(decoding: body, as: UTF8.self) }

    /// The longest silence after the head: between the head and the first body bytes, or
    /// between two reads.
    public var longestGap: Double {
        var last = 0.0
        var gap = 0.0
        for a in arrivals {
            gap = max(gap, a.seconds - last)
            last = a.seconds
        }
        return gap
    }

    /// The body parsed as JSON (JSONSerialization).
    public var json: Any? { try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) }
}

/// A minimal blocking HTTP/1.1 client over a TCP socket (each request on its own thread, so it
/// never blocks Swift's cooperative pool). Always sends `Connection: close`.
public enum RawHTTPClient {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Sends one request and reads the response until the server closes, the body is complete,
    /// or `timeout` seconds pass without the exchange ending.
    /// - Parameter disconnectAfterHead: close the socket as soon as the response head arrived.
    public static func send(
        port: Int,
        host: String = "127.0.0.1",
        method: String,
        path: String,
        headers: [String: String] = [:],
        body: Data? = nil,
        timeout: Double = 10,
        disconnectAfterHead: Bool = false
    ) async throws -> RawHTTPResponse {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<RawHTTPResponse, any Error>) in
            let thread = Thread {
                do {
                    c.resume(
                        returning: try blockingSend(
                            port: port, host: host, method: method, path: path, headers: headers,
                            body: body, timeout: timeout, disconnectAfterHead: disconnectAfterHead))
                } catch {
                    c.resume(throwing: error)
                }
            }
            thread.start()
        }
    }

    /// Convenience: a JSON API call with `x-api-key` and `anthropic-version: 2023-06-01`.
    public static func api(
        port: Int, method: String = "POST", path: String, key: String?, json: String? = nil,
        extraHeaders: [String: String] = [:], timeout: Double = 10, disconnectAfterHead: Bool = false
    ) async throws -> RawHTTPResponse {
        var h = ["anthropic-version": "2023-06-01"]
        if let key { h["x-api-key"] = key }
        if json != nil { h["content-type"] = "application/json" }
        for (k, v) in extraHeaders { h[k] = v }
        return try await send(
            port: port, method: method, path: path, headers: h,
            body: json.map { Data($0.utf8) }, timeout: timeout,
            disconnectAfterHead: disconnectAfterHead)
    }

    private static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    private static func blockingSend(
        port: Int, host: String, method: String, path: String, headers: [String: String],
        body: Data?, timeout: Double, disconnectAfterHead: Bool
    ) throws -> RawHTTPResponse {
        #if canImport(Glibc)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw Failure(description: "socket() failed") }
        defer { close(fd) }

        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &addr.sin_addr) == 1 else { throw Failure(description: "bad host \(host)") }
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw Failure(description: "connect to \(host):\(port) failed (errno \(errno))") }

        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\n"
        for (k, v) in headers.sorted(by: { $0.key < $1.key }) { head += "\(k): \(v)\r\n" }
        if let body { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        var out = Data(head.utf8)
        if let body { out.append(body) }
        try out.withUnsafeBytes { raw in
            var sent = 0
            while sent < raw.count {
                #if canImport(Glibc)
                    let n = Glibc.send(fd, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
                #else
                    let n = Darwin.send(fd, raw.baseAddress! + sent, raw.count - sent, 0)
                #endif
                if n <= 0 { throw Failure(description: "send failed (errno \(errno))") }
                sent += n
            }
        }

        let start = now()
        var raw = [UInt8]()
        var headEnd: Int?
        var headAt = 0.0
        var arrivals: [RawHTTPResponse.Arrival] = []
        var timedOut = false
        var status = 0
        var respHeaders: [String: String] = [:]
        var buffer = [UInt8](repeating: 0, count: 65536)
        var lastActivity = start

        readLoop: while true {
            // stop early once a known-length or chunked body is complete
            if let headEnd {
                let bodyBytes = Array(raw[headEnd...])
                if let len = respHeaders["content-length"].flatMap(Int.init), bodyBytes.count >= len { break }
                if respHeaders["transfer-encoding"]?.lowercased().contains("chunked") == true,
                    dechunk(bodyBytes).complete
                {
                    break
                }
            }
            let remaining = timeout - (now() - lastActivity)
            if remaining <= 0 {
                timedOut = true
                break
            }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let pr = poll(&pfd, 1, Int32(max(1, min(remaining * 1000, 1000))))
            if pr < 0 {
                if errno == EINTR { continue }
                break
            }
            if pr == 0 { continue }
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break readLoop } // closed (0) or reset (<0)
            let t = now()
            lastActivity = t
            raw.append(contentsOf: buffer[0..<n])
            if headEnd == nil {
                if let idx = findHeadEnd(raw) {
                    headEnd = idx
                    headAt = t
                    (status, respHeaders) = parseHead(Array(raw[0..<idx]))
                    if raw.count > idx { arrivals.append(.init(seconds: 0, bytes: raw.count - idx)) }
                    if disconnectAfterHead { break readLoop }
                }
            } else {
                arrivals.append(.init(seconds: t - headAt, bytes: n))
            }
        }

        guard let headEnd else {
            return RawHTTPResponse(
                status: 0, headers: [:], body: Data(raw), complete: false, timedOut: timedOut,
                headerSeconds: 0, arrivals: [])
        }
        let bodyBytes = Array(raw[headEnd...])
        var body = Data(bodyBytes)
        var complete: Bool
        if respHeaders["transfer-encoding"]?.lowercased().contains("chunked") == true {
            let d = dechunk(bodyBytes)
            body = Data(d.data)
            complete = d.complete
        } else if let len = respHeaders["content-length"].flatMap(Int.init) {
            complete = bodyBytes.count >= len
            if bodyBytes.count > len { body = Data(bodyBytes[0..<len]) }
        } else {
            complete = !timedOut
        }
        if disconnectAfterHead { complete = false }
        return RawHTTPResponse(
            status: status, headers: respHeaders, body: body, complete: complete,
            timedOut: timedOut, headerSeconds: headAt - start, arrivals: arrivals)
    }

    private static func findHeadEnd(_ raw: [UInt8]) -> Int? {
        guard raw.count >= 4 else { return nil }
        for i in 0...(raw.count - 4) where raw[i] == 13 && raw[i + 1] == 10 && raw[i + 2] == 13 && raw[i + 3] == 10 {
            return i + 4
        }
        return nil
    }

    private static func parseHead(_ bytes: [UInt8]) -> (Int, [String: String]) {
        let text = String(decoding: bytes, as: UTF8.self)
        var lines = text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        guard !lines.isEmpty else { return (0, [:]) }
        let statusLine = lines.removeFirst().split(separator: " ")
        let status = statusLine.count > 1 ? Int(statusLine[1]) ?? 0 : 0
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers[name] = headers[name].map { $0 + ", " + value } ?? value
        }
        return (status, headers)
    }

    /// Decodes a chunked body; `complete` when the terminating zero-size chunk was seen.
    static func dechunk(_ bytes: [UInt8]) -> (data: [UInt8], complete: Bool) {
        var out = [UInt8]()
        var i = 0
        while i < bytes.count {
            var j = i
            while j + 1 < bytes.count, !(bytes[j] == 13 && bytes[j + 1] == 10) { j += 1 }
            guard j + 1 < bytes.count else { return (out, false) }
            let sizeText =
                String(decoding: bytes[i..<j], as: UTF8.self).split(separator: ";").first.map(String.init) ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else { return (out, false) }
            let dataStart = j + 2
            if size == 0 { return (out, dataStart + 2 <= bytes.count) }
            guard dataStart + size <= bytes.count else {
                out.append(contentsOf: bytes[dataStart..<bytes.count])
                return (out, false)
            }
            out.append(contentsOf: bytes[dataStart..<(dataStart + size)])
            i = dataStart + size + 2
        }
        return (out, false)
    }
}

/// One server-sent event.
public struct SSEEvent: Sendable, Equatable {
    public var event: String
    public var data: String
    /// `data` parsed as a JSON object, if it is one.
    public var json: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(data.utf8))) as? [String: Any]
    }

    public static func == (a: SSEEvent, b: SSEEvent) -> Bool { a.event == b.event && a.data == b.data }
}

/// Splits an SSE body into events (LF, CRLF or CR line ends; an unterminated last event is dropped).
public func parseSSE(_ text: String) -> [SSEEvent] {
    var events: [SSEEvent] = []
    var name = ""
    var data: [String] = []
    let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
    var lines = normalized.components(separatedBy: "\n")
    if !normalized.hasSuffix("\n") { lines.removeLast() } // partial line
    for line in lines {
        if line.isEmpty {
            if !name.isEmpty || !data.isEmpty {
                events.append(SSEEvent(event: name.isEmpty ? "message" : name, data: data.joined(separator: "\n")))
            }
            name = ""
            data = []
            continue
        }
        if line.hasPrefix(":") { continue }
        let field: Substring
        var value: Substring
        if let colon = line.firstIndex(of: ":") {
            field = line[..<colon]
            value = line[line.index(after: colon)...]
            if value.hasPrefix(" ") { value = value.dropFirst() }
        } else {
            field = Substring(line)
            value = ""
        }
        switch field {
        case "event": name = String(value)
        case "data": data.append(String(value))
        default: break
        }
    }
    return events
}
