import Foundation
import HTTPTypes
import Hummingbird

/// The request log: every API request as it came, with keys masked wherever they appear.
extension FakeResponder {
    func logRequest(
        _ request: Request, path: String, requestID: String, presentedKey: String?, body: [UInt8], tooLarge: Bool
    ) {
        let scrubber = SecretScrubber(secrets: secrets(in: request, presentedKey: presentedKey))
        state.appendRequest(
            LoggedRequest(
                requestID: requestID,
                method: request.method.rawValue,
                path: path,
                query: request.uri.query.map(scrubber.scrub),
                headers: loggedHeaders(request, scrubber: scrubber),
                key: presentedKey.map(maskKey),
                body: loggedBody(body, tooLarge: tooLarge, scrubber: scrubber),
                status: nil,
                fault: nil
            ))
    }

    /// Every key the fake knows and every key-like value the request presents.
    private func secrets(in request: Request, presentedKey: String?) -> [String] {
        var secrets = Array(state.keys().keys)
        if let presentedKey { secrets.append(presentedKey) }
        if let auth = HTTPHelpers.header(request, "authorization") { secrets.append(auth) }
        if let x = HTTPHelpers.header(request, "x-api-key") { secrets.append(x) }
        return secrets
    }

    /// The request's headers by name (repeated ones joined by ", "), the key headers masked.
    private func loggedHeaders(_ request: Request, scrubber: SecretScrubber) -> [String: String] {
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            let value: String
            switch name {
            case "x-api-key": value = maskKey(field.value.trimmingCharacters(in: .whitespaces))
            case "authorization": value = maskAuthorization(field.value)
            default: value = scrubber.scrub(field.value)
            }
            if let existing = headers[name] {
                headers[name] = existing + ", " + value
            } else {
                headers[name] = value
            }
        }
        return headers
    }

    /// The body as text with keys masked, or a note for a body too large or not UTF-8; nil if empty.
    private func loggedBody(_ body: [UInt8], tooLarge: Bool, scrubber: SecretScrubber) -> String? {
        if tooLarge {
            return "<body over \(configuration.maxBodyBytes) bytes, not logged>"
        } else if body.count > 1_048_576 {
            return "<body of \(body.count) bytes, not logged>"
        } else if !body.isEmpty {
            if let s = String(bytes: body, encoding: .utf8) {
                return scrubber.scrub(s)
            } else {
                return "<\(body.count) bytes of non-UTF-8 data>"
            }
        }
        return nil
    }
}

/// Masks the given secrets (those of 6 characters or more, longest first) wherever they appear in a text.
struct SecretScrubber {
    let secrets: [String]

    init(secrets: [String]) {
        self.secrets = secrets.filter { $0.count >= 6 }.sorted { $0.count > $1.count }
    }

    func scrub(_ s: String) -> String {
        var out = s
        for secret in secrets where out.contains(secret) {
            out = out.replacingOccurrences(of: secret, with: maskKey(secret))
        }
        return out
    }
}
