/// Response or request headers; names compare case-insensitively, order and repeats are kept.
public struct HTTPHeaders: Sendable, Equatable, Sequence {
    private var fields: [(name: String, value: String)] = []

    public init(_ fields: [(String, String)] = []) {
        for (name, value) in fields { append(name, value) }
    }

    public mutating func append(_ name: String, _ value: String) {
        fields.append((name.lowercased(), value))
    }

    /// The first value for `name`.
    public subscript(name: String) -> String? {
        let lower = name.lowercased()
        return fields.first { $0.name == lower }?.value
    }

    /// How many fields there are (repeats counted).
    public var count: Int { fields.count }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { fields.makeIterator() }

    public static func == (a: HTTPHeaders, b: HTTPHeaders) -> Bool {
        a.fields.elementsEqual(b.fields) { $0.name == $1.name && $0.value == $1.value }
    }
}

/// One HTTP request as the transport sends it.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(String, String)]
    public var body: [UInt8]?

    public init(method: String, url: String, headers: [(String, String)] = [], body: [UInt8]? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// The status line and headers of a response.
public struct HTTPResponseHead: Sendable, Equatable {
    public var status: Int
    public var headers: HTTPHeaders

    public init(status: Int, headers: HTTPHeaders) {
        self.status = status
        self.headers = headers
    }
}

/// What a transport delivers: first the head, then body bytes as they arrive.
public enum TransportEvent: Sendable {
    case head(HTTPResponseHead)
    case body([UInt8])
}

/// Timeouts for one transfer.
public struct TransportOptions: Sendable {
    /// Giving up on making the connection (TCP + TLS).
    public var connectTimeout: Duration
    /// Giving up when no byte arrives for this long once the request is sent (pings count), or `nil`.
    public var idleTimeout: Duration?
    /// Giving up on the whole transfer, data arriving or not (APIError kind `deadline`), or `nil`.
    public var totalTimeout: Duration?

    public init(
        connectTimeout: Duration = .seconds(10), idleTimeout: Duration? = .seconds(60),
        totalTimeout: Duration? = nil
    ) {
        self.connectTimeout = connectTimeout
        self.idleTimeout = idleTimeout
        self.totalTimeout = totalTimeout
    }
}

/// Sends requests; the client talks to the network only through this.
public protocol HTTPTransport: Sendable {
    /// Starts `request` off the caller's thread. Ending iteration (or cancelling the consuming
    /// task) aborts the transfer. Failures are thrown as `APIError` (network, timeout, cancelled).
    func send(_ request: HTTPRequest, options: TransportOptions) -> AsyncThrowingStream<TransportEvent, any Error>
}
