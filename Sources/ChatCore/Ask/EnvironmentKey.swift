import AnthropicAPI

/// The key from the environment: `ANTHROPIC_API_KEY` (sent as `x-api-key`) or
/// `ANTHROPIC_AUTH_TOKEN` (sent as Bearer). Checked locally before anything is sent.
public struct EnvironmentKey: Sendable {
    public var credential: Credential
    /// The variable it came from.
    public var source: String
    /// Things fixed automatically that the user should know about.
    public var notices: [String]

    /// Why no usable key was found.
    public struct Problem: Error, Sendable, Equatable {
        public var message: String
    }

    public static func resolve(_ environment: [String: String]) -> Result<EnvironmentKey, Problem> {
        for (name, scheme) in [("ANTHROPIC_API_KEY", Credential.Scheme.apiKey), ("ANTHROPIC_AUTH_TOKEN", .bearer)] {
            guard let raw = environment[name], !raw.isEmpty else { continue }
            var notices: [String] = []
            let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty {
                return .failure(Problem(message: "\(name) holds only whitespace. Set it to your key: create one at https://console.anthropic.com/settings/keys."))
            }
            if trimmed != raw {
                notices.append("removed whitespace around the key in \(name); fix the variable to silence this notice.")
            }
            if let problem = problem(in: trimmed, variable: name) { return .failure(problem) }
            return .success(EnvironmentKey(credential: Credential(secret: trimmed, scheme: scheme), source: name, notices: notices))
        }
        return .failure(Problem(message: "no API key: ANTHROPIC_API_KEY is not set (or is empty). Create a key at https://console.anthropic.com/settings/keys and run: export ANTHROPIC_API_KEY=<your key>"))
    }

    /// What makes a key unusable as an HTTP header value, found before anything is sent.
    static func problem(in key: String, variable: String) -> Problem? {
        let first = key.unicodeScalars.first!
        if first == "\"" || first == "'" || first == "\u{201C}" || first == "\u{2018}" {
            return Problem(message: "\(variable) starts with a quote character; remove the quotes around the key.")
        }
        if key.lowercased().hasPrefix("bearer ") {
            return Problem(message: "\(variable) starts with \"Bearer \"; set the variable to the key alone.")
        }
        if key.hasPrefix("\(variable)=") || key.hasPrefix("ANTHROPIC_API_KEY=") {
            return Problem(message: "\(variable) contains \"ANTHROPIC_API_KEY=\" before the key; set the variable to the key alone.")
        }
        for (offset, scalar) in key.unicodeScalars.enumerated() {
            if scalar.properties.isWhitespace || scalar.value < 0x20 || scalar.value == 0x7F {
                return Problem(message: "\(variable) has a space or line break inside the key (character \(offset + 1)); copy the key again in one piece.")
            }
            if !scalar.isASCII {
                return Problem(message: "\(variable) contains a non-ASCII character (U+\(String(scalar.value, radix: 16, uppercase: true)), character \(offset + 1)), likely from a copy; type or copy the key again.")
            }
        }
        return nil
    }
}
