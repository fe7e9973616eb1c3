import ChatCore
import Foundation
import TerminalUI

/// The key dialog: what is needed and why, a masked field with live diagnosis, the check's
/// progress, and what to do next.
struct KeyPromptView {
    var prompt: KeyPrompt
    var field: TextEditor
    /// `f` fixes the typed value (see ``KeyDialogLayer/offersFix``).
    var offersFix = false
    var now: Date
    var theme: Theme

    static let spinner: [Character] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]

    /// The field's text as shown: a bullet per character, the last four in clear once there
    /// are more than twelve (enough to tell keys apart, never enough to use one).
    static func masked(_ text: String) -> String {
        let characters = Array(text)
        let clear = characters.count > 12 ? 4 : 0
        return String(repeating: "•", count: characters.count - clear) + String(characters.suffix(clear))
    }

    var title: String {
        switch prompt.reason {
        case .firstRun: return "An API key is needed"
        case .rejected: return "Your API key was rejected"
        case .replace: return "Enter a new API key"
        }
    }

    /// Where keys are made, as the short dialog says it (no scheme: it must fit 40 columns).
    static let consoleHost = "console.anthropic.com/settings/keys"

    /// The explanation above the field, shortened for a small screen (40×12): the instruction
    /// and the Console's address stay; the background goes.
    func paragraphs(compact: Bool) -> [(String, String)] {
        guard compact else { return paragraphs }
        switch prompt.reason {
        case .firstRun:
            return [("Paste an API key from \(Self.consoleHost)", "modal.text")]
        case .replace:
            return [("A key entered here replaces the one in use once the API accepts it.", "modal.text")]
        case .rejected:
            var lines = [
                ("The API refused the key in use (401). Paste a new key from \(Self.consoleHost)", "modal.error")
            ]
            if prompt.messageWaits { lines.append(("Your message is kept.", "modal.hint")) }
            return lines
        }
    }

    /// The explanation above the field.
    var paragraphs: [(String, String)] {
        switch prompt.reason {
        case .firstRun:
            var lines = [
                (
                    "palaver talks to Anthropic's API with your API key. Create one at https://console.anthropic.com/settings/keys and paste it below.",
                    "modal.text"
                ),
                (
                    "palaver also reads ANTHROPIC_API_KEY, the credentials file (`palaver key set`) and api_key_helper in config.toml.",
                    "modal.hint"
                ),
            ]
            if let masked = prompt.rejectedMasked, let source = prompt.rejectedSource {
                lines.insert(("The key \(masked) \(source.origin) cannot be used as it is.", "modal.warning"), at: 0)
            }
            if prompt.messageWaits {
                lines.append(("Your message stays in the composer and is sent once the key works.", "modal.hint"))
            }
            return lines
        case .replace:
            let current = [prompt.rejectedMasked, prompt.rejectedSource.map(\.origin)].compactMap { $0 }.joined(
                separator: " ")
            return [
                (
                    "The key in use\(current.isEmpty ? "" : " (\(current))") works. A key entered here replaces it once the API accepts it.",
                    "modal.text"
                )
            ]
        case .rejected(let message, let requestID):
            let key = [prompt.rejectedMasked, prompt.rejectedSource.map(\.origin)].compactMap { $0 }.joined(
                separator: " ")
            var facts = "The API answered 401 for the key \(key.isEmpty ? "in use" : key)"
            facts += ": \"\(TextSanitizer.sanitize(message, keepNewlines: false))\""
            if let requestID { facts += " (request \(TextSanitizer.sanitize(requestID, keepNewlines: false)))" }
            var lines = [(facts + ".", "modal.error"), (prompt.likelyCause, "modal.text")]
            if prompt.messageWaits {
                lines.append(("Your message is kept and is sent again, in place, once a new key works.", "modal.hint"))
            }
            return lines
        }
    }

    /// The lines of the dialog's body and the row of the key field among them.
    /// The lines of the dialog's body and the row of the key field among them. On a small
    /// screen (`compact`) the order is what matters most first: the instruction with the
    /// Console's address, the field, the fix on offer and the check's outcome, then the problems
    /// (their sentences without the advice) until the box is full.
    private func body(width inner: Int, compact: Bool) -> (lines: [Line], fieldRow: Int) {
        var body: [Line] = []
        for (text, key) in paragraphs(compact: compact) {
            body += TextLayout.wrap(text, style: theme.style(key), width: inner)
            if !compact { body.append(Line()) }
        }
        let fieldRow = body.count
        body.append(Line()) // the field's own row
        var problems: [Line] = []
        for problem in KeyPrompt.problems(inTyped: field.text) {
            let style = theme.style(problem.isFatal ? "modal.error" : "modal.warning")
            problems += TextLayout.wrap("• " + (compact ? problem.message : problem.text), style: style, width: inner)
        }
        var outcome: [Line] = []
        if offersFix, let fix = KeyPrompt.fix(forTyped: field.text) {
            outcome += TextLayout.wrap(
                "Press f to remove \(fix.removes) and check the key.", style: theme.style("modal.ok"), width: inner)
        }
        outcome += phaseLines(width: inner)
        body += compact ? outcome + problems : problems + outcome
        return (body, fieldRow)
    }

    /// What the check says: the spinner, the verdict, or why nothing was sent.
    private func phaseLines(width inner: Int) -> [Line] {
        switch prompt.phase {
        case .editing:
            return []
        case .verifying:
            let frame = Self.spinner[Int(now.timeIntervalSince1970 * 8) % Self.spinner.count]
            return [Line("\(frame) Checking the key with the API…", style: theme.style("modal.text"))]
        case .verified:
            return TextLayout.wrap(
                "✓ The API accepted the key. s (or Enter): save it to the credentials file (mode 0600) · o: use it for this session only",
                style: theme.style("modal.ok"), width: inner)
        case .failed(let reason):
            return TextLayout.wrap(
                "✗ " + TextSanitizer.sanitize(reason), style: theme.style("modal.error"), width: inner)
        case .refusedLocally:
            return TextLayout.wrap(
                "✗ Nothing was sent: the key cannot be used as it is (see the list).",
                style: theme.style("modal.error"), width: inner)
        }
    }

    func render(in area: Rect, buffer: inout Buffer) -> Position? {
        var width = min(area.width - 2, 76)
        var (body, fieldRow) = self.body(width: max(8, width - 4), compact: false)
        let compact = body.count + 4 > area.height
        if compact {
            // A small screen: the short text, and every column for it (the address must fit whole).
            width = min(area.width, 76)
            (body, fieldRow) = self.body(width: max(8, width - 4), compact: true)
        }
        let hint =
            prompt.phase == .verified
            ? "s saves · o this session only · Esc cancels"
            : prompt.reason == .firstRun
                ? "Enter checks the key · Esc continues without a key · Ctrl+Q quits"
                : prompt.reason == .replace
                    ? "Enter checks the key · Esc keeps the current one · Ctrl+Q quits"
                    : prompt.messageWaits
                        ? "Enter checks the key · Esc closes, the message is kept · Ctrl+Q quits"
                        : "Enter checks the key · Esc closes · Ctrl+Q quits"
        let height = min(area.height, body.count + 4)
        let frame = ModalFrame(
            title: Line(title, style: theme.style("modal.title")), width: width, height: height,
            style: theme.style("modal"), borderStyle: theme.style("modal.border"),
            titleStyle: theme.style("modal.title")
        )
        .render(in: area, buffer: &buffer)
        guard !frame.isEmpty else { return nil }
        let content = Rect(x: frame.x + 1, y: frame.y + 1, width: frame.width - 2, height: max(0, frame.height - 2))
        // A short screen in full mode: the lines above the field give way first; compact mode
        // put the least important lines last, so they are the ones cut.
        let skip = compact ? 0 : max(0, body.count - content.height)
        let shownFieldRow = fieldRow - min(skip, fieldRow)
        for (i, line) in body.dropFirst(min(skip, fieldRow)).prefix(content.height).enumerated() {
            _ = buffer.setLine(line, x: content.x, y: content.y + i, clip: content)
        }
        let hintLine = TextLayout.truncate(Line(hint, style: theme.style("modal.hint")), width: frame.width - 2)
        _ = buffer.setLine(hintLine, x: frame.x + 1, y: frame.maxY - 1, clip: frame)
        guard shownFieldRow < content.height else { return nil }
        let box = Rect(x: content.x, y: content.y + shownFieldRow, width: content.width, height: 1)
        buffer.fill(box, with: Cell(" ", style: theme.style("modal.field.focused")))
        var shown = field.text.isEmpty ? "" : Self.masked(field.text)
        let room = max(1, box.width - 6)
        if shown.count > room { shown = "…" + shown.suffix(room - 1) } // the end is what tells keys apart
        let line = Line("Key: " + shown, style: theme.style("modal.field.focused"))
        if field.text.isEmpty {
            _ = buffer.setLine(
                Line([
                    Span("Key: ", style: theme.style("modal.field.focused")),
                    Span("paste it here (sk-ant-…)", style: theme.style("composer.placeholder")),
                ]),
                x: box.x, y: box.y, clip: box)
            return Position(x: box.x + 5, y: box.y)
        }
        _ = buffer.setLine(line, x: box.x, y: box.y, clip: box)
        return prompt.phase == .verifying || prompt.phase == .verified ? nil : Position(x: box.x + line.width, y: box.y)
    }
}
