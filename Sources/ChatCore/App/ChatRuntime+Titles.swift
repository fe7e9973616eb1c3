import AnthropicAPI
import Foundation
import Logging
import SessionStore

/// `auto_title`: one small non-streaming request asks the model for a short title of a new
/// conversation. It runs as a task beside the chat (the UI never waits for it); a failure only
/// leaves the first-line title, logged.
extension ChatRuntime {
    /// The most the title request may answer with.
    static let titleMaxTokens = 24
    /// At most this much of the first prompt and reply is sent with it.
    static let titleContextCharacters = 2_000

    /// The request that asks for a title.
    static func titleMessage(_ request: TitleRequest) -> MessageRequest {
        let prompt = String(request.prompt.prefix(titleContextCharacters))
        let reply = String(request.reply.prefix(titleContextCharacters))
        return MessageRequest(
            model: request.model, maxTokens: titleMaxTokens,
            messages: [
                .user(
                    "Write a title of 3 to 6 words for the conversation below. Answer with the title only: no quotes, no full stop.\n\n<user>\n\(prompt)\n</user>\n<assistant>\n\(reply)\n</assistant>"
                )
            ])
    }

    func suggestTitle(_ request: TitleRequest) {
        let client = AnthropicClient(configuration: clientConfiguration, transport: transport)
        let message = Self.titleMessage(request)
        Task.detached { [emit, log] in
            do throws(APIError) {
                let answer = try await client.createMessage(message)
                emit(.titleSuggested(request.conversation, title: answer.text, replacing: request.currentTitle))
            } catch {
                log.info("no title from the model", metadata: ["error": "\(error.kindSentence)"])
            }
        }
    }
}
