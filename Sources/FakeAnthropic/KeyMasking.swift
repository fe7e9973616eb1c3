import Foundation

/// Masks a secret for logs: `sk-ant-…abcd` for keys starting with "sk-ant-", otherwise `…abcd`.
/// Keys shorter than 12 characters show fewer trailing characters (at most a third of the key).
public func maskKey(_ key: String) -> String {
    let chars = Array(key)
    let shown = chars.count >= 12 ? 4 : chars.count / 3
    let tail = String(chars.suffix(shown))
    if key.hasPrefix("sk-ant-") && chars.count >= 12 {
        return "sk-ant-…" + tail
    }
    return "…" + tail
}

/// Masks an Authorization header value, keeping the scheme: `Bearer sk-ant-…abcd`.
func maskAuthorization(_ value: String) -> String {
    let parts = value.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
    if parts.count == 2 {
        return "\(parts[0]) \(maskKey(String(parts[1]).trimmingCharacters(in: .whitespaces)))"
    }
    return maskKey(value)
}
