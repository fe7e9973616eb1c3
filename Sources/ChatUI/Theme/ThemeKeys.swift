import TerminalUI

/// The style keys palaver's screens look up, in one place for the app, the theme files and the
/// tests.
///
/// Every shipped theme defines each of these keys, either itself or through a dotted parent
/// (`markdown.heading.3` may take its style from `markdown.heading`). A lookup layers the
/// parents under the key, so `status.key.valid` is `default`, then `status`, then `status.key`,
/// then `status.key.valid` (see `Theme.style(_:)`).
public enum ThemeKeys {
    /// The screen's own foreground and background, under every other key.
    public static let screen = ["default"]

    /// The conversation list.
    public static let sidebar = [
        "sidebar", "sidebar.title", "sidebar.item", "sidebar.selected", "sidebar.active",
        "sidebar.meta", "sidebar.border",
    ]

    /// The conversation: turns, their metadata, markers and search highlights.
    public static let transcript = [
        "transcript", "transcript.user", "transcript.user.label", "transcript.assistant",
        "transcript.assistant.label", "transcript.meta", "transcript.error", "transcript.interrupted",
        "transcript.pending", "transcript.notice", "transcript.empty", "transcript.more",
        "transcript.search.match", "transcript.search.current", "transcript.selected",
    ]

    /// The prompt editor under the transcript.
    public static let composer = [
        "composer", "composer.border", "composer.border.focused", "composer.placeholder", "composer.hint",
    ]

    /// One style per key-health state, in the order of the state machine.
    public static let keyHealth = [
        "status.key.missing", "status.key.malformed", "status.key.unverified", "status.key.checking",
        "status.key.valid", "status.key.rejected", "status.key.forbidden", "status.key.no-credit",
        "status.key.rate-limited", "status.key.offline",
    ]

    /// The status bar, including the masked key and its health.
    public static let status =
        [
            "status", "status.model", "status.title", "status.streaming", "status.retry", "status.usage",
            "status.message", "status.message.error", "status.demo", "status.key",
        ] + keyHealth

    /// Dialogs, the help screen and the "terminal too small" notice.
    public static let dialogs = [
        "modal", "modal.border", "modal.title", "modal.text", "modal.hint", "modal.error", "modal.warning",
        "modal.ok", "modal.field", "modal.field.focused", "modal.button", "modal.button.selected",
        "help.key", "help.text", "help.section", "toosmall",
    ]

    /// Markdown in replies, with syntax colours for code blocks and diff lines.
    public static let markdown = [
        "markdown.heading", "markdown.heading.1", "markdown.heading.2", "markdown.heading.3",
        "markdown.heading.4", "markdown.heading.5", "markdown.heading.6",
        "markdown.emphasis", "markdown.strong", "markdown.strikethrough", "markdown.code",
        "markdown.codeblock", "markdown.codeblock.label", "markdown.codeblock.marker",
        "markdown.quote", "markdown.quote.bar", "markdown.link", "markdown.link.url",
        "markdown.list.bullet", "markdown.table.border", "markdown.table.header", "markdown.rule",
        "syntax.keyword", "syntax.string", "syntax.comment", "syntax.number", "syntax.type",
        "syntax.function", "syntax.operator",
        "diff.added", "diff.removed", "diff.hunk", "diff.header",
    ]

    /// Every key, in the order above.
    public static let all: [String] = screen + sidebar + transcript + composer + status + dialogs + markdown

    /// Whether `theme` gives `key` a style of its own or through a dotted parent other than
    /// `default` (`status.key.valid` counts as defined when `status.key` is).
    public static func isDefined(_ key: String, in theme: Theme) -> Bool {
        if theme.styles[key] != nil { return true }
        var prefix = Substring(key)
        while let dot = prefix.lastIndex(of: ".") {
            prefix = prefix[..<dot]
            if theme.styles[String(prefix)] != nil { return true }
        }
        return false
    }

    /// Whether `key` is one of ``all`` or a dotted parent of one (`status.key`, `syntax`), so a
    /// theme file can use it; anything else is most likely a misspelt key.
    public static func isKnown(_ key: String) -> Bool {
        known.contains(key)
    }

    /// The known key (see ``isKnown(_:)``) nearest to a misspelt one, when one is at most three
    /// edits away.
    public static func closest(to key: String) -> String? {
        var best: (key: String, distance: Int)?
        for candidate in known.sorted() {
            let d = editDistance(Array(key), Array(candidate))
            if d <= 3, d < (best?.distance ?? .max) { best = (candidate, d) }
        }
        return best?.key
    }

    /// Levenshtein distance between two strings' characters.
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }

    private static let known: Set<String> = {
        var keys = Set<String>()
        for key in all {
            var prefix = Substring(key)
            keys.insert(key)
            while let dot = prefix.lastIndex(of: ".") {
                prefix = prefix[..<dot]
                keys.insert(String(prefix))
            }
        }
        return keys
    }()
}
