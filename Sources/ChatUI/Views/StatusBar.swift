import ChatCore
import Foundation
import TerminalUI

/// The bottom line: key health first (always), then model, title, activity and usage, dropping
/// the least important parts when the screen is narrow.
struct StatusBar {
    var chat: ChatState
    var theme: Theme
    /// Reset times of a rate limit are shown in this zone.
    var timeZone: TimeZone = .current

    /// What a cut notice ends with: where to read it whole.
    static let noticeLogHint = " Alt+N "
    /// Where an account without credit is fixed, and shorter for narrow screens.
    static let creditHints = [
        " add credit: console.anthropic.com/settings/billing ", " add credit: console.anthropic.com ", " add credit ",
    ]

    /// The theme key for a health state: `status.key.no-credit`.
    static func styleKey(for health: KeyHealth) -> String {
        "status.key." + health.word.replacingOccurrences(of: " ", with: "-")
    }

    /// The health word with what matters about it: how long until a rate limit ends, how long ago
    /// the key was verified.
    static func healthText(_ health: KeyHealth, now: Date) -> String {
        switch health {
        case .rateLimited(let until?) where until > now:
            return "rate-limited \(Self.short(until.timeIntervalSince(now)))"
        case .valid(let at):
            let age = now.timeIntervalSince(at)
            return age < 60 ? "valid" : "valid \(Self.short(age)) ago"
        default:
            return health.word
        }
    }

    /// `45s`, `12m`, `3h`.
    static func short(_ seconds: TimeInterval) -> String {
        let s = max(0, Int(seconds.rounded(.up)))
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m" }
        return "\(s / 3600)h"
    }

    /// Where the key came from, short.
    static func sourceText(_ source: KeySource?, compact: Bool) -> String? {
        guard let source else { return nil }
        switch source {
        case .environment(let name): return compact ? "env" : name
        case .credentialsFile: return compact ? "file" : "credentials file"
        case .profile(let name):
            let shown = TextSanitizer.sanitize(name, keepNewlines: false)
            return compact ? shown : "profile \(shown)"
        case .helper: return "helper"
        case .session: return compact ? "entered" : "entered this session"
        }
    }

    func render(in area: Rect, buffer: inout Buffer) {
        let base = theme.style("status")
        buffer.fill(area, with: Cell(" ", style: base))
        let health = chat.key.health
        let fixed: [Span] =
            (chat.settings.demo ? [Span(" DEMO ", style: theme.style("status.demo"))] : [])
            + [
                Span(
                    " ● " + Self.healthText(health, now: chat.now) + " ", style: theme.style(Self.styleKey(for: health))
                )
            ]
        let hints = keyHints()
        let warnings = headroomSpans()
        let keyLong = keySpan(compact: false)
        let keyShort = keySpan(compact: true)
        let model = Span(
            " " + TextSanitizer.sanitize(chat.model, keepNewlines: false) + " ", style: theme.style("status.model"))
        let title = Span(
            " " + TextSanitizer.sanitize(chat.title, keepNewlines: false) + " ", style: theme.style("status.title"))
        let usage = usageSpan()
        let activity = activitySpan()

        // From the richest to the barest; the first that fits wins. The key hint and the headroom
        // warning come right after the health word and are shortened only once everything else went.
        let layouts: [([Span], [Span])] = [
            ([keyLong, model, title], [activity, usage]),
            ([keyLong, model, title], [activity]),
            ([keyShort, model, title], [activity]),
            ([keyShort, model], [activity]),
            ([keyShort], [activity]),
            ([keyShort], []),
            ([], []),
        ]
        let candidates: [([Span], [Span])] = zip(hints, warnings).flatMap { hint, warning in
            layouts.map { (fixed + hint + warning + $0.0, $0.1) }
        }.map { ($0.0.filter { !$0.text.isEmpty }, $0.1.filter { !$0.text.isEmpty }) }
        // The right side may be shortened to half the width; the left side must fit whole.
        let (left, right) =
            candidates.first { l, r in width(l) + min(width(r), max(20, area.width / 2)) <= area.width }
            ?? candidates[candidates.count - 1]
        var x = area.x
        for span in left { x += buffer.setString(span.text, x: x, y: area.y, style: span.style, clip: area) }
        guard !right.isEmpty else { return }
        let room = area.maxX - x - 1
        guard room > 3 else { return }
        var line = TextLayout.truncate(Line(right), width: room)
        if chat.turn == nil, chat.notice != nil, let notice = right.first, notice == activity,
            width(right) > room, room > Self.noticeLogHint.count + 8
        {
            // The notice is cut: say where it can be read whole.
            line = TextLayout.truncate(Line(right), width: room - Self.noticeLogHint.count)
            line.spans.append(Span(Self.noticeLogHint, style: notice.style.bold))
        }
        _ = buffer.setLine(line, x: area.maxX - line.width, y: area.y, clip: area)
    }

    private func width(_ spans: [Span]) -> Int { spans.reduce(0) { $0 + $1.width } }

    /// When the key cannot be used (none, malformed, rejected) and no dialog is open: the key
    /// that opens the key dialog. Nothing opens it on its own while the user types. When the
    /// account has no credit: where to add it. Richest first, as many as ``headroomSpans()``.
    private func keyHints() -> [[Span]] {
        guard chat.keyPrompt == nil, !chat.settings.demo else { return [[], [], []] }
        let style = theme.style(Self.styleKey(for: chat.key.health)).bold
        if case .noCredit = chat.key.health {
            return Self.creditHints.map { [Span($0, style: style)] }
        }
        guard chat.needsKey else { return [[], [], []] }
        return Array(repeating: [Span(" \(ChatState.keyDialogKeys): new key ", style: style)], count: 3)
    }

    /// When the account's rate-limit headroom is low: which limit, how much is left and when it
    /// resets (`⚠ tokens 7% left · resets 14:32`), then shorter. Richest first, three of them.
    private func headroomSpans() -> [[Span]] {
        guard let headroom = chat.lowHeadroom else { return [[], [], []] }
        let percent = Int((headroom.fraction * 100).rounded(.down))
        var reset = ""
        if let at = headroom.reset {
            let seconds = at.timeIntervalSince(chat.now)
            if seconds < 60 {
                reset = "in \(Self.short(seconds))"
            } else {
                let formatter = DateFormatter()
                formatter.locale = Locale(identifier: "en_US_POSIX")
                formatter.timeZone = timeZone
                formatter.dateFormat = "HH:mm"
                reset = formatter.string(from: at)
            }
        }
        let style = theme.style("status.key.rate-limited").bold
        let long = " ⚠ \(headroom.kind.label) \(percent)% left" + (reset.isEmpty ? "" : " · resets \(reset)") + " "
        let short = " ⚠ \(headroom.kind.label) \(percent)%" + (reset.isEmpty ? "" : " · \(reset)") + " "
        return [[Span(long, style: style)], [Span(short, style: style)], [Span(" ⚠ \(percent)% ", style: style)]]
    }

    private func keySpan(compact: Bool) -> Span {
        let style = theme.style("status.key")
        guard let masked = chat.key.masked else {
            return Span(compact ? " no key " : " no key: set ANTHROPIC_API_KEY or run palaver key set ", style: style)
        }
        let source = Self.sourceText(chat.key.source, compact: compact).map { " · " + $0 } ?? ""
        return Span(" " + masked + source + " ", style: style)
    }

    private func usageSpan() -> Span {
        guard chat.turn == nil, let usage = chat.lastUsage, let out = usage.outputTokens else { return Span("") }
        let input = usage.inputTokens.map { "↑\($0) " } ?? ""
        return Span(" \(input)↓\(out) tokens ", style: theme.style("status.usage"))
    }

    private func activitySpan() -> Span {
        if let turn = chat.turn {
            if let retry = turn.retry {
                let wait = Self.short(max(0, retry.at.timeIntervalSince(chat.now)))
                return Span(
                    " ↻ retry \(retry.notice.attempt)/\(retry.notice.maxAttempts) in \(wait): \(retry.notice.reason.kindSentence) ",
                    style: theme.style("status.retry"))
            }
            if turn.cancelling { return Span(" stopping… ", style: theme.style("status.streaming")) }
            if turn.replyEntry == nil { return Span(" sending… ", style: theme.style("status.streaming")) }
            let rate = chat.tokensPerSecond.map { String(format: " · %.0f tok/s", $0) } ?? ""
            return Span(" ▸ streaming\(rate) · Esc stops ", style: theme.style("status.streaming"))
        }
        if let notice = chat.notice {
            return Span(
                " " + TextSanitizer.sanitize(notice.text, keepNewlines: false) + " ",
                style: theme.style(notice.isError ? "status.message.error" : "status.message"))
        }
        return Span("")
    }
}
