import Foundation

/// One logged /v1 request (every request whose path is under the API prefix + "/v1", whatever
/// the answer). Keys are masked: `sk-ant-…abcd` (or `…abcd` for keys not starting with sk-ant-).
public struct LoggedRequest: Sendable {
    /// The `request-id` the fake answered with.
    public var requestID: String
    public var method: String
    /// Path as received (including any prefix), without the query.
    public var path: String
    /// Raw query string (without "?"), or nil.
    public var query: String?
    /// Header names lowercased; `x-api-key` and `authorization` values masked.
    public var headers: [String: String]
    /// The presented key (from x-api-key, else a Bearer token), masked; nil if none.
    public var key: String?
    /// The body as UTF-8 text (any known key occurring in it is masked); nil if empty.
    /// Bodies over 1 MiB are replaced by a placeholder.
    public var body: String?
    /// The HTTP status answered (200 for streams, even ones that fail later); nil while in progress.
    public var status: Int?
    /// The fault kind applied to this request, if any.
    public var fault: Fault.Kind?

    /// The body parsed with JSONSerialization, or nil if it is not JSON.
    public var jsonBody: Any? {
        guard let body, let data = body.data(using: .utf8) else { return nil }
        return try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
    }
}
