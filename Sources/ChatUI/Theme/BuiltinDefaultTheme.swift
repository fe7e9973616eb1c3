import TerminalUI

/// The default theme compiled into palaver, used when no themes directory is found or
/// `default.toml` cannot be used.
///
/// ``toml`` is the text of `themes/default.toml`. A test parses both and fails when they
/// differ, so after editing the file, paste its whole text between the quotes below.
enum BuiltinDefaultTheme {
    /// What warnings and ``ThemeLoad/path`` call the compiled-in theme.
    static let label = "the built-in default theme"

    /// The text of `themes/default.toml`.
    static let toml = #"""
        # palaver theme "default": dusk, the dark theme palaver starts with.
        #
        # Make your own: copy this file to ~/.config/palaver/themes/NAME.toml (or
        # $XDG_CONFIG_HOME/palaver/themes/NAME.toml), edit it, and start `palaver --theme NAME`
        # or put `theme = "NAME"` in ~/.config/palaver/config.toml. A theme there with the name of a
        # shipped one (default, light, high-contrast, monochrome) is used instead of it.
        #
        # To change only a few keys, write a short file instead:
        #     inherits = "default"
        #     [styles]
        #     "transcript.user" = { fg = "#ffb86c", bold = true }
        # Palette names belong to the file that defines them, so such a file writes colours as
        # "#rrggbb", a 256-colour index or an ANSI name (red, bright-blue, gray), or gives itself a
        # [palette]. A theme named like the one it inherits ("default" inheriting "default") builds
        # on the shipped one.
        #
        # Colours: "#rrggbb", "#rgb", 0-255, an ANSI name, "default" (the terminal's own colour) or a
        # [palette] name. Style fields: fg, bg, bold, dim, italic, underline, reverse, strikethrough.
        # A key is laid over its dotted parents and `default`: "status.key.valid" is default, then
        # status, then status.key, then status.key.valid. 256- and 8-colour terminals get the nearest
        # colours.

        name = "default"

        [palette]
        bg       = "#1a1b26"   # transcript and composer
        bg-deep  = "#15161e"   # sidebar, code blocks, input fields
        panel    = "#1f2335"   # status bar
        surface  = "#24283b"   # dialogs and help
        raised   = "#2f3549"   # buttons, inline code
        select   = "#2e3c64"   # the selected row
        match    = "#3d4a7a"   # search matches
        line     = "#3b4261"   # borders and rules
        fg       = "#c0caf5"
        fg-soft  = "#a9b1d6"
        bright   = "#e6ebff"
        muted    = "#8b93bd"
        faint    = "#646c99"
        blue     = "#7a9cff"
        sky      = "#7dcfff"
        user     = "#a6dcff"
        teal     = "#73daca"
        cyan     = "#2ac3de"
        ice      = "#89ddff"
        green    = "#8ed86b"
        yellow   = "#e0af68"
        orange   = "#ff9e64"
        red      = "#f7768e"
        magenta  = "#ff7ac6"
        purple   = "#bb9af7"

        [styles]
        default                       = { fg = "fg", bg = "bg" }

        # Conversation list
        sidebar                       = { fg = "fg-soft", bg = "bg-deep" }
        "sidebar.title"               = { fg = "blue", bold = true }
        "sidebar.item"                = { fg = "fg-soft" }
        "sidebar.selected"            = { fg = "bright", bg = "select", bold = true }
        "sidebar.active"              = { fg = "sky", bold = true }
        "sidebar.meta"                = { fg = "muted" }
        "sidebar.border"              = { fg = "line" }

        # Transcript
        transcript                    = { fg = "fg", bg = "bg" }
        "transcript.user"             = { fg = "user" }
        "transcript.user.label"       = { fg = "sky", bold = true }
        "transcript.assistant"        = { fg = "fg" }
        "transcript.assistant.label"  = { fg = "purple", bold = true }
        "transcript.meta"             = { fg = "muted" }
        "transcript.error"            = { fg = "red" }
        "transcript.interrupted"      = { fg = "orange", italic = true }
        "transcript.pending"          = { fg = "yellow", italic = true }
        "transcript.notice"           = { fg = "teal", italic = true }
        "transcript.empty"            = { fg = "muted", italic = true }
        "transcript.more"             = { fg = "bg-deep", bg = "blue", bold = true }
        "transcript.search.match"     = { fg = "bright", bg = "match" }
        "transcript.search.current"   = { fg = "bg-deep", bg = "orange", bold = true }
        "transcript.selected"         = { bg = "select" }

        # Composer
        composer                      = { fg = "fg", bg = "bg" }
        "composer.border"             = { fg = "line" }
        "composer.border.focused"     = { fg = "blue" }
        "composer.placeholder"        = { fg = "faint", italic = true }
        "composer.hint"               = { fg = "muted" }

        # Status bar
        status                        = { fg = "fg-soft", bg = "panel" }
        "status.model"                = { fg = "sky" }
        "status.title"                = { fg = "fg", bold = true }
        "status.streaming"            = { fg = "purple" }
        "status.retry"                = { fg = "yellow" }
        "status.usage"                = { fg = "muted" }
        "status.message"              = { fg = "fg", italic = true }
        "status.message.error"        = { fg = "red", bold = true }
        "status.demo"                 = { fg = "bg-deep", bg = "orange", bold = true }
        "status.key"                  = { fg = "fg-soft" }
        "status.key.missing"          = { fg = "bg-deep", bg = "red", bold = true }
        "status.key.malformed"        = { fg = "red" }
        "status.key.unverified"       = { fg = "blue" }
        "status.key.checking"         = { fg = "sky", italic = true }
        "status.key.valid"            = { fg = "green" }
        "status.key.rejected"         = { fg = "red", bold = true }
        "status.key.forbidden"        = { fg = "orange", bold = true }
        "status.key.no-credit"        = { fg = "magenta", bold = true }
        "status.key.rate-limited"     = { fg = "yellow" }
        "status.key.offline"          = { fg = "muted" }

        # Dialogs and help
        modal                         = { fg = "fg", bg = "surface" }
        "modal.border"                = { fg = "blue" }
        "modal.title"                 = { fg = "sky", bold = true }
        "modal.text"                  = { fg = "fg" }
        "modal.hint"                  = { fg = "muted" }
        "modal.error"                 = { fg = "red" }
        "modal.warning"               = { fg = "yellow" }
        "modal.ok"                    = { fg = "green" }
        "modal.field"                 = { fg = "fg", bg = "bg-deep" }
        "modal.field.focused"         = { fg = "bright", bg = "select" }
        "modal.button"                = { fg = "fg-soft", bg = "raised" }
        "modal.button.selected"       = { fg = "bg-deep", bg = "blue", bold = true }
        help                          = { fg = "fg", bg = "surface" }
        "help.key"                    = { fg = "sky", bold = true }
        "help.text"                   = { fg = "fg" }
        "help.section"                = { fg = "purple", bold = true }
        toosmall                      = { fg = "yellow", bold = true }

        # Markdown in replies
        "markdown.heading"            = { fg = "blue", bold = true }
        "markdown.heading.1"          = { fg = "purple", bold = true, underline = true }
        "markdown.heading.2"          = { fg = "blue", bold = true }
        "markdown.heading.3"          = { fg = "sky", bold = true }
        "markdown.heading.4"          = { fg = "teal", bold = true }
        "markdown.heading.5"          = { fg = "fg-soft", bold = true }
        "markdown.heading.6"          = { fg = "muted", bold = true, italic = true }
        "markdown.emphasis"           = { italic = true }
        "markdown.strong"             = { fg = "bright", bold = true }
        "markdown.strikethrough"      = { fg = "muted", strikethrough = true }
        "markdown.code"               = { fg = "teal", bg = "raised" }
        "markdown.codeblock"          = { fg = "fg", bg = "bg-deep" }
        "markdown.codeblock.label"    = { fg = "muted", italic = true }
        "markdown.codeblock.marker"   = { fg = "faint" }
        "markdown.quote"              = { fg = "fg-soft", italic = true }
        "markdown.quote.bar"          = { fg = "purple" }
        "markdown.link"               = { fg = "blue", underline = true }
        "markdown.link.url"           = { fg = "muted", underline = true }
        "markdown.list.bullet"        = { fg = "orange" }
        "markdown.table.border"       = { fg = "line" }
        "markdown.table.header"       = { fg = "blue", bold = true }
        "markdown.rule"               = { fg = "line" }

        # Code blocks: syntax and diff lines sit on the code-block background
        syntax                        = { fg = "fg", bg = "bg-deep" }
        "syntax.keyword"              = { fg = "purple", italic = true }
        "syntax.string"               = { fg = "green" }
        "syntax.comment"              = { fg = "faint", italic = true }
        "syntax.number"               = { fg = "orange" }
        "syntax.type"                 = { fg = "cyan" }
        "syntax.function"             = { fg = "blue" }
        "syntax.operator"             = { fg = "ice" }
        diff                          = { fg = "fg", bg = "bg-deep" }
        "diff.added"                  = { fg = "green" }
        "diff.removed"                = { fg = "red" }
        "diff.hunk"                   = { fg = "purple" }
        "diff.header"                 = { fg = "yellow", bold = true }
        """#

    /// ``toml`` parsed; an empty theme if it ever failed to parse (a test keeps that from happening),
    /// so that palaver never stops for want of a theme.
    static let theme: Theme = (try? Theme.parse(toml, path: "default.toml (built in)")) ?? Theme(name: "default")
}
