import AnthropicAPI
import ChatCore
import Credentials
import Foundation
import TerminalUI
import Testing

@testable import ChatUI

/// The notice log (Alt+N) and what the status bar says about notices, headroom and credit.
@Suite struct NoticeLogLayerTests {
    /// An app whose log holds a few notices over a minute: short and long, errors and not, and a retry.
    static func appWithNotices(width: Int, height: Int) throws -> ChatApp {
        var app = makeApp(width: width, height: height)
        _ = app.apply(
            .notify("Theme: light (set theme = \"light\" in config.toml to keep it).", error: false, seconds: 5))
        _ = app.apply(.tick(t0.addingTimeInterval(12)))
        _ = app.apply(
            .notify(
                "ANTHROPIC_API_KEY is set but differs from the key in the credentials file; the variable wins "
                    + "because it comes first. Unset it (unset ANTHROPIC_API_KEY) to use the saved key instead.",
                error: true, seconds: 15))
        _ = app.apply(.tick(t0.addingTimeInterval(40)))
        app.type("hi")
        let request = try #require(sentRequest(app.press(KeyEvent(.enter))))
        _ = app.apply(
            .turn(
                request.turn,
                .retrying(
                    RetryNotice(
                        attempt: 2, maxAttempts: 3, delay: .seconds(2),
                        reason: APIError(
                            kind: .overloaded, httpStatus: 529, errorType: "overloaded_error", message: "Overloaded",
                            requestID: "req_529")))))
        _ = app.apply(.tick(t0.addingTimeInterval(65)))
        app.stream(turn: request.turn, ["hello"])
        _ = app.apply(.notify("Copied the last reply.", error: false, seconds: 5))
        return app
    }

    /// The status line of `chat` drawn `width` wide, times in UTC.
    static func statusLine(_ chat: ChatState, width: Int) -> String {
        var buffer = Buffer(width: width, height: 1)
        StatusBar(chat: chat, theme: Theme(), timeZone: TimeZone(identifier: "UTC")!)
            .render(in: buffer.area, buffer: &buffer)
        return String(buffer.row(0).filter { $0.width > 0 }.map(\.character))
    }

    /// A chat that saw `remaining` of 1000 tokens left, resetting `resetIn` seconds after t0.
    static func chat(remaining: Int, resetIn: TimeInterval?, warning: Double = 0.10) -> ChatState {
        var chat = ChatState(
            settings: .init(
                baseURL: "http://127.0.0.1:1", fallbackModel: "claude-test-1", modelIsExplicit: true,
                rateLimitWarning: warning),
            key: validKey, now: t0)
        let limits = RateLimits([
            .tokens: .init(limit: 1000, remaining: remaining, reset: resetIn.map { t0.addingTimeInterval($0) })
        ])
        _ = chat.update(.keyChecked(KeyVerifier.Outcome(error: nil, requestID: nil, at: t0, rateLimits: limits)))
        _ = chat.update(.tick(t0.addingTimeInterval(11))) // the headroom notice has gone
        return chat
    }

    // MARK: The layer

    @Test func theLogAt100x30() throws {
        var app = try Self.appWithNotices(width: 100, height: 30)
        app.press(.alt("n"))
        let screen = app.screen().text
        assertSnapshot(screen, named: "notice-log-100x30")
        #expect(screen.contains("14:13:20 Theme: light"))
        #expect(screen.contains("14:14:00 Retry 2/3 in 2s"))
        #expect(screen.contains("req_529"))
    }

    @Test func theLogAt40x12ShowsTheNewestAndScrolls() throws {
        var app = try Self.appWithNotices(width: 40, height: 12)
        app.press(.alt("n"))
        let bottom = app.screen().text
        assertSnapshot(bottom, named: "notice-log-40x12")
        #expect(bottom.contains("Copied the last reply."))
        #expect(bottom.contains("Esc closes"))

        app.press(KeyEvent(.home))
        let top = app.screen().text
        assertSnapshot(top, named: "notice-log-40x12-top")
        #expect(top.contains("14:13:20 Theme: light"))
        #expect(!top.contains("Copied the last reply."))

        app.press(KeyEvent(.pageDown))
        app.press(KeyEvent(.pageDown))
        app.press(KeyEvent(.pageDown))
        app.press(KeyEvent(.pageDown))
        #expect(app.screen().text == bottom)
        app.press(KeyEvent(.up))
        #expect(app.screen().text != bottom)
        app.press(KeyEvent(.end))
        #expect(app.screen().text == bottom)
        app.press(KeyEvent(.down)) // already at the newest: stays
        #expect(app.screen().text == bottom)
        app.press(KeyEvent(.pageUp))
        let pagedUp = app.screen().text
        #expect(pagedUp != bottom)
        app.press(KeyEvent(.home))
        app.press(KeyEvent(.up)) // already at the oldest: stays
        #expect(app.screen().text == top)
    }

    @Test func errorsAreDrawnInTheErrorStyle() throws {
        let theme = Theme(styles: ["modal.error": Style(foreground: .ansi(.red))])
        var app = try Self.appWithNotices(width: 100, height: 30)
        app.theme = theme
        app.press(.alt("n"))
        let styled = app.screen().styledText().split(separator: "\n").map(String.init)
        let retry = try #require(styled.first { $0.contains("Retry 2/3") })
        let theme2 = try #require(styled.first { $0.contains("Theme: light") })
        #expect(retry.contains("{fg="))
        #expect(!theme2.contains("{fg="))
    }

    @Test func escAndAltNCloseAndTheDraftStays() throws {
        var app = try Self.appWithNotices(width: 80, height: 20)
        app.type("a draft")
        let composer = app.ui.composer
        app.press(.alt("n"))
        #expect(app.top(NoticeLogLayer.self) != nil)
        app.press(.char("x")) // not typed into the composer
        app.press(KeyEvent(.enter))
        #expect(app.top(NoticeLogLayer.self) != nil)
        app.press(KeyEvent(.escape))
        #expect(app.top(NoticeLogLayer.self) == nil)
        #expect(app.ui.composer == composer)
        app.press(.alt("n"))
        app.press(.alt("n"))
        #expect(app.top(NoticeLogLayer.self) == nil)
        #expect(app.ui.composer == composer)
        #expect(app.chat.draft == "a draft")
    }

    @Test func anEmptyLogSaysSo() {
        var app = makeApp(width: 60, height: 14)
        app.press(.alt("n"))
        #expect(app.screen().text.contains("No notices yet"))
    }

    @Test func thePaletteAndTheHelpOfferIt() {
        let help = "notice history: every message the status bar showed, in full"
        #expect(Keymap.paletteItems.contains { $0.command == .noticeLog && $0.entry.help == help })
        #expect(HelpLayer.lines(width: 200, theme: Theme()).contains { $0.plainText.hasPrefix("Alt+N ") })
        var app = makeApp()
        app.press(.ctrl("p"))
        app.type("notice history")
        app.press(KeyEvent(.enter))
        #expect(app.top(NoticeLogLayer.self) != nil)
    }

    // MARK: The status bar

    @Test func aCutNoticeEndsWithWhereToReadItWhole() {
        var chat = makeChat()
        let long =
            "The key in the credentials file was replaced by ANTHROPIC_API_KEY from the environment, "
            + "which palaver read at start; unset it to use the saved key."
        _ = chat.update(.notify(long, error: true, seconds: 10))
        let wide = Self.statusLine(chat, width: 300)
        #expect(wide.contains(long) && !wide.contains("Alt+N"))
        let cut = Self.statusLine(chat, width: 120)
        #expect(cut.hasSuffix("… Alt+N "), "\(cut)")
        #expect(cut.contains("The key in the credentials file"))
        assertSnapshot(cut, named: "status-notice-cut-120")

        _ = chat.update(.notify("Copied the last reply.", error: false, seconds: 5))
        #expect(!Self.statusLine(chat, width: 120).contains("Alt+N"))
    }

    @Test func lowHeadroomAt120And40Columns() {
        let chat = Self.chat(remaining: 70, resetIn: 1140) // 14:32:20 UTC
        let wide = Self.statusLine(chat, width: 120)
        #expect(wide.contains("⚠ tokens 7% left · resets 14:32"), "\(wide)")
        #expect(wide.contains("claude-test-1"))
        let narrow = Self.statusLine(chat, width: 40)
        #expect(narrow.contains("● valid"))
        #expect(narrow.contains("⚠ tokens 7%"), "\(narrow)")
        assertSnapshot([wide, narrow].joined(separator: "\n"), named: "status-headroom-120-40")

        let soon = Self.statusLine(Self.chat(remaining: 70, resetIn: 56), width: 120)
        #expect(soon.contains("⚠ tokens 7% left · resets in 45s"), "\(soon)")
        let unknown = Self.statusLine(Self.chat(remaining: 70, resetIn: nil), width: 120)
        #expect(unknown.contains("⚠ tokens 7% left ") && !unknown.contains("resets"), "\(unknown)")
    }

    @Test func headroomAboveTheThresholdStaleOrSwitchedOffIsNotShown() {
        #expect(!Self.statusLine(Self.chat(remaining: 500, resetIn: 1140), width: 120).contains("⚠"))
        #expect(!Self.statusLine(Self.chat(remaining: 70, resetIn: 1140, warning: 0), width: 120).contains("⚠"))
        var stale = Self.chat(remaining: 70, resetIn: 30)
        #expect(Self.statusLine(stale, width: 120).contains("⚠"))
        _ = stale.update(.tick(t0.addingTimeInterval(31)))
        #expect(!Self.statusLine(stale, width: 120).contains("⚠"))
    }

    @Test func noCreditSaysWhereToAddIt() {
        let chat = makeChat(
            key: KeyStatus(
                health: .noCredit(message: "Your credit balance is too low"), masked: "sk-ant-…wxyz",
                source: .environment("ANTHROPIC_API_KEY")))
        let wide = Self.statusLine(chat, width: 120)
        #expect(wide.contains("● no credit  add credit: console.anthropic.com/settings/billing "), "\(wide)")
        #expect(!wide.contains("new key") && !wide.contains("rejected"))
        let narrow = Self.statusLine(chat, width: 40)
        #expect(narrow.contains("● no credit"))
        #expect(narrow.contains("add credit"), "\(narrow)")
        assertSnapshot(
            [wide, Self.statusLine(chat, width: 80), narrow].joined(separator: "\n"), named: "status-no-credit")

        let rejected = makeChat(
            key: KeyStatus(
                health: .rejected(message: "invalid x-api-key", requestID: nil), masked: "sk-ant-…wxyz",
                source: .environment("ANTHROPIC_API_KEY")))
        let line = Self.statusLine(rejected, width: 120)
        #expect(line.contains("● rejected  F10: new key") && !line.contains("credit"), "\(line)")
    }
}
