import AnthropicAPI
import ChatCore
import Credentials
import Foundation
import SessionStore
import TerminalUI
import Testing

@testable import ChatUI

/// A fixed moment, so times on screen are stable (shown in UTC).
let t0 = Date(timeIntervalSince1970: 1_790_000_000) // 2026-09-21 14:13:20 UTC

let validKey = KeyStatus(
    health: .valid(verifiedAt: t0), masked: "sk-ant-…wxyz", source: .environment("ANTHROPIC_API_KEY"))

func makeChat(key: KeyStatus = validKey, demo: Bool = false, clipboard: Bool = true) -> ChatState {
    ChatState(
        settings: .init(
            baseURL: "http://127.0.0.1:1", fallbackModel: "claude-test-1", modelIsExplicit: true, demo: demo,
            clipboard: clipboard),
        key: key, now: t0)
}

func makeApp(width: Int = 100, height: Int = 30, chat: ChatState = makeChat(), theme: Theme = Theme()) -> ChatApp {
    ChatApp(chat: chat, size: Size(width: width, height: height), theme: theme, timeZone: TimeZone(identifier: "UTC")!)
}

func conversation(_ id: Int64, _ title: String, model: String = "claude-test-1") -> Conversation {
    Conversation(id: ConversationID(id), title: title, model: model, systemPrompt: nil, createdAt: t0, updatedAt: t0)
}

extension ChatApp {
    /// Draws the app into a fresh in-memory terminal of its size.
    mutating func screen() -> MemoryBackend {
        let backend = MemoryBackend(width: ui.size.width, height: ui.size.height)
        Terminal(backend: backend).draw { render(into: &$0) }
        return backend
    }

    /// Types text key by key.
    mutating func type(_ text: String) {
        for c in text { _ = handle(.key(.char(c))) }
    }

    /// Presses a key, runs the theme effects as the loop would (with ``themes``), and returns
    /// the effects for the runtime. ``handle(_:)`` gives everything, the loop's effects too.
    @discardableResult
    mutating func press(_ key: KeyEvent) -> [ChatEffect] {
        let output = handle(.key(key))
        UIEffectRunner().run(output.ui, on: &self)
        return output.chat
    }

    /// Presses a key and returns the effects for the loop (none run).
    mutating func uiEffects(_ key: KeyEvent) -> [UIEffect] { handle(.key(key)).ui }

    /// The dialog on top, if it is a `T`.
    func top<T>(_ type: T.Type) -> T? { ui.layers.last as? T }

    /// Plays a whole streamed turn: started, the deltas, completed.
    mutating func stream(turn: Int, _ deltas: [String], usage: Usage = Usage(inputTokens: 12, outputTokens: 34)) {
        _ = apply(.turn(turn, .started(requestID: "req_1")))
        for d in deltas { _ = apply(.turn(turn, .text(d))) }
        let message = Message(
            model: "claude-test-1", content: [.text(deltas.joined())], stopReason: "end_turn", usage: usage)
        _ = apply(.turn(turn, .completed(message)))
    }
}

/// The one `.send` effect's request in `effects`.
func sentRequest(_ effects: [ChatEffect]) -> TurnRequest? {
    for effect in effects { if case .send(let request) = effect { return request } }
    return nil
}

/// Compares `text` with the snapshot file `__Snapshots__/<name>.txt` beside this file.
/// `PALAVER_RECORD_SNAPSHOTS=1` (re)writes it; a missing snapshot is written and the test fails.
func assertSnapshot(_ text: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("__Snapshots__")
    let file = directory.appendingPathComponent(name + ".txt")
    let record = ProcessInfo.processInfo.environment["PALAVER_RECORD_SNAPSHOTS"] == "1"
    guard !record, let data = FileManager.default.contents(atPath: file.path) else {
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try? Data((text + "\n").utf8).write(to: file)
        if !record {
            Issue.record("no snapshot \(name) yet: recorded it; check it and run again", sourceLocation: sourceLocation)
        }
        return
    }
    let expected = String(decoding: data, as: UTF8.self)
    #expect(
        text + "\n" == expected, "screen differs from snapshot \(name) (PALAVER_RECORD_SNAPSHOTS=1 re-records)",
        sourceLocation: sourceLocation)
}
