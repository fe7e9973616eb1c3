import CCurl
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// HTTP over libcurl: one thread per transfer running a multi handle, so a cancel wakes the
/// transfer at once (`curl_multi_wakeup`) whatever state it is in.
///
/// TLS verification stays on (libcurl's default, never changed here); proxy variables
/// (`https_proxy`, `http_proxy`, `no_proxy`, `all_proxy`) work as libcurl reads them.
public struct CurlTransport: HTTPTransport {
    public init() {
        CurlTransport.globalInit
    }

    private static let globalInit: Void = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
    }()

    public func send(_ request: HTTPRequest, options: TransportOptions) -> AsyncThrowingStream<
        TransportEvent, any Error
    > {
        AsyncThrowingStream { continuation in
            let cancellation = CurlCancellation()
            continuation.onTermination = { _ in cancellation.cancel() }
            let thread = Thread {
                CurlTransfer(request: request, options: options, continuation: continuation, cancellation: cancellation)
                    .run()
            }
            thread.name = "palaver.curl"
            thread.start()
        }
    }
}

/// What the transfer thread and whoever cancels it share: the cancel flag and the running multi
/// handle (so a cancel can wake it), guarded by a `Mutex`.
///
/// `curl_multi_wakeup` is the one libcurl call made from another thread (libcurl allows it);
/// the handle is kept as its address, a plain value, while the transfer thread owns the handle.
private final class CurlCancellation: Sendable {
    private struct Values {
        var cancelled = false
        var multiAddress: UInt = 0
    }

    private let values = Mutex(Values())

    var isCancelled: Bool { values.withLock { $0.cancelled } }

    func cancel() {
        values.withLock { v in
            v.cancelled = true
            if let multi = UnsafeMutableRawPointer(bitPattern: v.multiAddress) { curl_multi_wakeup(multi) }
        }
    }

    /// The multi handle a cancel should wake, or nil once the transfer loop has left it.
    func setMulti(_ multi: UnsafeMutableRawPointer?) {
        let address = UInt(bitPattern: multi)
        values.withLock { $0.multiAddress = address }
    }
}

/// One transfer, created on and used only by its own thread (the libcurl callbacks run there too).
private final class CurlTransfer {
    let request: HTTPRequest
    let options: TransportOptions
    let continuation: AsyncThrowingStream<TransportEvent, any Error>.Continuation
    let cancellation: CurlCancellation

    var headers = HTTPHeaders()
    var headSent = false
    var lastActivity = ContinuousClock.now
    var easy: UnsafeMutableRawPointer?

    init(
        request: HTTPRequest, options: TransportOptions,
        continuation: AsyncThrowingStream<TransportEvent, any Error>.Continuation, cancellation: CurlCancellation
    ) {
        self.request = request
        self.options = options
        self.continuation = continuation
        self.cancellation = cancellation
    }

    var isCancelled: Bool { cancellation.isCancelled }

    /// Runs the transfer to its end and finishes the stream: set up the handle, drive it until it
    /// ends (or is cancelled, idle or past its deadline), then report how it ended.
    func run() {
        guard let easy = curl_easy_init() else {
            continuation.finish(throwing: APIError(kind: .network, message: "libcurl could not start a transfer"))
            return
        }
        self.easy = easy
        var headerList: UnsafeMutablePointer<curl_slist>?
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let context = Unmanaged.passRetained(self)
        defer {
            context.release()
            curl_slist_free_all(headerList)
            errorBuffer.deallocate()
        }
        headerList = configure(easy, errorBuffer: errorBuffer, context: context.toOpaque())

        guard let multi = curl_multi_init() else {
            curl_easy_cleanup(easy)
            continuation.finish(throwing: APIError(kind: .network, message: "libcurl could not start a transfer"))
            return
        }
        curl_multi_add_handle(multi, easy)
        cancellation.setMulti(multi)
        let end = drive(multi)
        cancellation.setMulti(nil)
        curl_multi_remove_handle(multi, easy)
        curl_multi_cleanup(multi)
        finish(easy, after: end, errorBuffer: errorBuffer)
    }

    /// Sets the request (URL, method, headers, body), the timeouts libcurl enforces and the
    /// callbacks on `easy`; returns the header list, which must outlive the transfer.
    private func configure(
        _ easy: UnsafeMutableRawPointer, errorBuffer: UnsafeMutablePointer<CChar>,
        context: UnsafeMutableRawPointer
    ) -> UnsafeMutablePointer<curl_slist>? {
        ccurl_setopt_string(easy, CURLOPT_URL, request.url)
        ccurl_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        ccurl_setopt_long(easy, CURLOPT_FOLLOWLOCATION, 0)
        ccurl_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer)
        ccurl_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, options.connectTimeout.inMilliseconds)
        // The whole-reply deadline is enforced in `drive`, so it gets its own message.
        ccurl_setopt_long(easy, CURLOPT_TCP_KEEPALIVE, 1)
        ccurl_setopt_string(easy, CURLOPT_CUSTOMREQUEST, request.method)
        if request.method == "GET" { ccurl_setopt_long(easy, CURLOPT_HTTPGET, 1) }
        var headerList: UnsafeMutablePointer<curl_slist>?
        for (name, value) in request.headers {
            headerList = curl_slist_append(headerList, "\(name): \(value)")
        }
        // libcurl would add "Expect: 100-continue" for large bodies: one round trip wasted.
        headerList = curl_slist_append(headerList, "Expect:")
        ccurl_setopt_slist(easy, CURLOPT_HTTPHEADER, headerList)
        if let body = request.body {
            ccurl_setopt_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
            _ = body.withUnsafeBytes { raw in
                // COPYPOSTFIELDS copies, so the Swift array need not outlive this call.
                ccurl_setopt_pointer(
                    easy, CURLOPT_COPYPOSTFIELDS,
                    UnsafeMutableRawPointer(mutating: raw.baseAddress ?? UnsafeRawPointer(errorBuffer)))
            }
        }
        ccurl_setopt_data_callback(easy, CURLOPT_WRITEFUNCTION, curlWrite)
        ccurl_setopt_pointer(easy, CURLOPT_WRITEDATA, context)
        ccurl_setopt_data_callback(easy, CURLOPT_HEADERFUNCTION, curlHeader)
        ccurl_setopt_pointer(easy, CURLOPT_HEADERDATA, context)
        ccurl_setopt_long(easy, CURLOPT_NOPROGRESS, 0)
        ccurl_setopt_xferinfo_callback(easy, curlProgress)
        ccurl_setopt_pointer(easy, CURLOPT_XFERINFODATA, context)
        return headerList
    }

    /// Why `drive` stopped.
    private enum LoopEnd {
        /// libcurl finished the transfer (or has nothing left running), with this result.
        case finished(CURLcode)
        /// A cancel was seen.
        case cancelled
        /// No data arrived for the idle timeout.
        case idleTimedOut
        /// The whole reply took longer than the total timeout.
        case pastDeadline
    }

    /// Performs the transfer on `multi` until it ends, is cancelled or runs out of time, waking at
    /// least every 200 ms (and at once on a cancel) to check.
    private func drive(_ multi: UnsafeMutableRawPointer) -> LoopEnd {
        var outcome: CURLcode = CURLE_OK
        var finished = false
        lastActivity = .now
        let started = ContinuousClock.now
        while true {
            var running: Int32 = 0
            curl_multi_perform(multi, &running)
            var queued: Int32 = 0
            while let info = curl_multi_info_read(multi, &queued) {
                if info.pointee.msg == CURLMSG_DONE {
                    outcome = info.pointee.data.result
                    finished = true
                }
            }
            if finished || running == 0 { return .finished(outcome) }
            if isCancelled { return .cancelled }
            if let idle = options.idleTimeout, ContinuousClock.now - lastActivity > idle { return .idleTimedOut }
            if let total = options.totalTimeout, ContinuousClock.now - started > total { return .pastDeadline }
            curl_multi_poll(multi, nil, 0, 200, nil)
        }
    }

    /// Cleans up `easy` and finishes the stream: with the error the transfer's end stands for
    /// (a cancel first, whenever it came), or after sending the head if no body carried it.
    private func finish(_ easy: UnsafeMutableRawPointer, after end: LoopEnd, errorBuffer: UnsafePointer<CChar>) {
        let failure =
            isCancelled
            ? APIError(kind: .cancelled, message: "the request was cancelled")
            : error(for: end, errorBuffer: errorBuffer)
        if let failure {
            curl_easy_cleanup(easy)
            continuation.finish(throwing: failure)
            return
        }
        sendHeadIfNeeded()
        curl_easy_cleanup(easy)
        continuation.finish()
    }

    /// The error a transfer that was not cancelled ended with, or `nil` when it succeeded.
    private func error(for end: LoopEnd, errorBuffer: UnsafePointer<CChar>) -> APIError? {
        switch end {
        case .idleTimedOut:
            let idle = options.idleTimeout.map(\.spoken) ?? "too long"
            return APIError(kind: .timeout, message: "no data arrived for \(idle)")
        case .pastDeadline:
            let total = options.totalTimeout.map(\.spoken) ?? "too long"
            return APIError(
                kind: .deadline, message: "the reply was still arriving after \(total), the limit for a whole reply")
        case .finished(let outcome) where outcome != CURLE_OK:
            let detail = String(cString: errorBuffer)
            let text = detail.isEmpty ? String(cString: curl_easy_strerror(outcome)) : detail
            let kind: APIError.Kind = outcome == CURLE_OPERATION_TIMEDOUT ? .timeout : .network
            return APIError(kind: kind, message: "\(text) (curl error \(outcome.rawValue))")
        case .finished, .cancelled:
            // `.cancelled` cannot reach here (a cancel is never undone); like the end of a
            // transfer, it would finish cleanly.
            return nil
        }
    }

    func sendHeadIfNeeded() {
        guard !headSent, let easy else { return }
        headSent = true
        var status = 0
        ccurl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        continuation.yield(.head(HTTPResponseHead(status: status, headers: headers)))
    }

    /// At most this many header fields are kept per response (libcurl bounds each line's length).
    static let maxHeaderFields = 500

    func receivedHeaderLine(_ line: String) {
        lastActivity = .now
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("HTTP/") {
            headers = HTTPHeaders() // a new response (after 100 Continue or a proxy CONNECT)
            return
        }
        guard headers.count < Self.maxHeaderFields else { return }
        guard let colon = trimmed.firstIndex(of: ":") else { return }
        let name = trimmed[..<colon].trimmingCharacters(in: .whitespaces)
        let value = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        headers.append(name, value)
    }

    func receivedBody(_ bytes: UnsafeRawBufferPointer) {
        lastActivity = .now
        sendHeadIfNeeded()
        continuation.yield(.body(Array(bytes)))
    }
}

private func curlWrite(
    _ ptr: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?
) -> Int {
    guard let userdata, let ptr else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    if transfer.isCancelled { return 0 }
    let length = size * count
    transfer.receivedBody(UnsafeRawBufferPointer(start: ptr, count: length))
    return length
}

private func curlHeader(
    _ ptr: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?
) -> Int {
    guard let userdata, let ptr else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    let line = String(decoding: UnsafeRawBufferPointer(start: ptr, count: length), as: UTF8.self)
    transfer.receivedHeaderLine(line)
    return length
}

private func curlProgress(
    _ userdata: UnsafeMutableRawPointer?, _ dltotal: curl_off_t, _ dlnow: curl_off_t,
    _ ultotal: curl_off_t, _ ulnow: curl_off_t
) -> Int32 {
    guard let userdata else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    return transfer.isCancelled ? 1 : 0
}
