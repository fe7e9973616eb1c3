import AnthropicAPI
import Credentials
import Foundation

/// Turns an `APIError` into the sentence a user reads: what happened, the facts (masked key,
/// status, error type, server message, request id), and what to do next.
public struct ErrorReport: Sendable {
    public var error: APIError
    /// The masked key and where it came from, e.g. `sk-ant-…abcd from ANTHROPIC_API_KEY`.
    public var keyDescription: String?
    public var baseURL: String
    public var model: String?
    /// Where the key came from, so the advice names the right place to fix it.
    public var keySource: KeySource?
    /// The report is read inside the chat: advice names the chat's keys (F3 for the model),
    /// not command-line options, and an interrupted reply's sentence leaves out "The reply was
    /// interrupted" (the transcript's marker says it already).
    public var inChat = false

    public init(
        error: APIError, keyDescription: String?, baseURL: String, model: String? = nil, keySource: KeySource? = nil
    ) {
        self.error = error
        self.keyDescription = keyDescription
        self.baseURL = baseURL
        self.model = model
        self.keySource = keySource
    }

    /// Where to put a new key, for the source the rejected one came from.
    var newKeyStep: String {
        switch keySource {
        case .environment(let name)?: return "set \(name) to it (the variable still holds the rejected key)"
        case .helper?: return "make api_key_helper print it"
        case .credentialsFile?: return "save it with `palaver key set`"
        case .profile(let name)?: return "save it with `palaver key set --name \(name)`"
        case .session?, nil: return "save it with `palaver key set` or set ANTHROPIC_API_KEY to it"
        }
    }

    /// One paragraph: the sentence with facts, then the advice.
    public var text: String {
        var facts: [String] = []
        if let keyDescription { facts.append("key \(keyDescription)") }
        if let status = error.httpStatus { facts.append("HTTP \(status)") }
        if let type = error.errorType { facts.append(type) }
        if !error.message.isEmpty { facts.append("\"\(error.message)\"") }
        if let id = error.requestID { facts.append("request \(id)") }
        if error.attempts > 1 { facts.append("after \(error.attempts) attempts") }
        var sentence = error.kindSentence
        if inChat, error.isInterrupted {
            sentence =
                String(error.description.prefix { $0 != "(" }).trimmingCharacters(in: .whitespaces)
                .lowercasedFirst
        }
        if !facts.isEmpty { sentence += " (" + facts.joined(separator: ", ") + ")" }
        sentence += "."
        return Secrets.redact(sentence + " " + advice)
    }

    /// What the user should do about it.
    public var advice: String {
        switch error.kind {
        case .authentication:
            return
                "The key is invalid, revoked or expired, or was mistyped: create or copy a current key at https://console.anthropic.com/settings/keys and \(newKeyStep)."
        case .permission:
            return
                "The key works but may not use this resource: check the key's workspace and model access in the Anthropic Console, or choose another model with "
                + (inChat ? "the model picker (F3)." : "--model.")
        case .billing, .noCredit:
            return
                "The key itself is fine: add credit or fix billing at https://console.anthropic.com/settings/billing, then try again."
        case .rateLimited:
            if let wait = error.retryAfter {
                return "Wait \(wait.spoken) before trying again, or send fewer requests."
            }
            return "Wait a little before trying again, or send fewer requests."
        case .overloaded, .serviceUnavailable, .apiError, .serverTimeout:
            return "This is on the API's side: try again in a minute (status: https://status.anthropic.com)."
        case .network:
            return
                "Check the network connection, any proxy settings (https_proxy, no_proxy) and the base URL \(baseURL)."
        case .timeout:
            return
                "Check the network and try again; raise idle_timeout or connect_timeout in config.toml if the connection is slow."
        case .deadline:
            return
                "Anything printed above is all that arrived; try again, or allow more time with --reply-timeout or reply_timeout in config.toml."
        case .redirected:
            return
                "Check the base URL \(baseURL) (--base-url, ANTHROPIC_BASE_URL or base_url in config.toml); if you trust the new address, use it as the base URL."
        case .responseTooLarge:
            return
                "The server at \(baseURL) sent far more than the API ever does; check the base URL and any proxy in between."
        case .truncated:
            return "The connection ended early; try again (anything printed above is all that arrived)."
        case .notFound:
            if let model, inChat {
                return "Check the model name \"\(model)\": choose another with the model picker (F3)."
            }
            if let model {
                return
                    "Check the model name \"\(model)\" (--model or model in config.toml), or leave it unset to use the newest model the API lists."
            }
            return "Check the base URL \(baseURL) and the model name."
        case .requestTooLarge:
            return "Send a shorter prompt or fewer attachments (the API accepts up to 32 MB)."
        case .invalidRequest:
            if inChat {
                return
                    "The request was not accepted as sent: check max_tokens in config.toml, the model (F3 chooses another) and the prompt."
            }
            return "The request was not accepted as sent: check --max-tokens, --model and the prompt."
        case .malformedResponse:
            return
                "The server at \(baseURL) does not answer like the Anthropic API: check ANTHROPIC_BASE_URL or base_url in config.toml."
        case .insecureTransport, .invalidConfiguration:
            return "Fix the base URL (--base-url, ANTHROPIC_BASE_URL or base_url in config.toml)."
        case .cancelled:
            return "Nothing more was received."
        default:
            return "Try again; if it keeps failing, quote the request id when asking for help."
        }
    }

}

extension APIError {
    /// The start of the sentence: what happened, without the facts.
    public var kindSentence: String {
        if isInterrupted {
            return "The reply was interrupted: "
                + String(description.prefix { $0 != "(" }).trimmingCharacters(in: .whitespaces).lowercasedFirst
        }
        return String(description.prefix { $0 != "(" }).trimmingCharacters(in: .whitespaces)
    }
}

extension String {
    var lowercasedFirst: String { prefix(1).lowercased() + dropFirst() }
}
