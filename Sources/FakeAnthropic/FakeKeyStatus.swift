/// What the fake answers for a request authenticated with a key.
///
/// JSON spelling (control API): `valid`, `revoked`, `forbidden`, `billing`, `no_credit`
/// (`noCredit` is accepted as well).
public enum FakeKeyStatus: String, Sendable, Codable, CaseIterable, Equatable {
    /// 200 on every endpoint.
    case valid
    /// 401 authentication_error "invalid x-api-key" (same as an unknown key).
    case revoked
    /// 403 permission_error on every endpoint (models listing included).
    case forbidden
    /// 402 billing_error on /v1/messages and count_tokens; GET /v1/models still succeeds.
    case billing
    /// 400 invalid_request_error "Your credit balance is too low…" on /v1/messages and
    /// count_tokens; GET /v1/models still succeeds.
    case noCredit = "no_credit"

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        guard let status = FakeKeyStatus(jsonName: raw) else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription:
                        "unknown key status '\(raw)' (expected valid, revoked, forbidden, billing or no_credit)"
                ))
        }
        self = status
    }

    /// Parses the JSON spelling; also accepts `noCredit`.
    public init?(jsonName: String) {
        if jsonName == "noCredit" {
            self = .noCredit
            return
        }
        self.init(rawValue: jsonName)
    }
}
