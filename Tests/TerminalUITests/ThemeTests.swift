import Testing

@testable import TerminalUI

@Suite struct ThemeTests {
    let sample = """
        # A dark theme
        name = "dark"

        [palette]
        green = "#50fa7b"
        panel = 236

        [styles]
        default = { fg = "white", bg = "panel" }
        status.fg = "black"
        status.bg = "bright-blue"
        "status.valid" = { fg = "green", bold = true }
        status.rejected = { fg = "red", modifiers = ["bold", "underline"] }
        "transcript.user" = "bright-cyan"

        [styles."modal.title"]
        fg = "#ffb86c"
        italic = true
        """

    @Test func parsesPaletteStylesAndNestedKeys() throws {
        let theme = try Theme.parse(sample, path: "dark.toml")
        #expect(theme.name == "dark")
        #expect(theme.palette["green"] == .rgb(0x50, 0xfa, 0x7b))
        #expect(theme.palette["panel"] == .indexed(236))
        #expect(theme.styles["status.valid"] == Style(foreground: .rgb(0x50, 0xfa, 0x7b), attributes: [.bold]))
        #expect(theme.styles["status.rejected"] == Style(foreground: .red, attributes: [.bold, .underline]))
        #expect(theme.styles["transcript.user"] == Style(foreground: .ansi(.brightCyan)))
        #expect(theme.styles["modal.title"] == Style(foreground: .rgb(0xff, 0xb8, 0x6c), attributes: [.italic]))
    }

    @Test func lookupLayersParentsOverTheDefault() throws {
        let theme = try Theme.parse(sample)
        #expect(
            theme.style("status.valid")
                == Style(foreground: .rgb(0x50, 0xfa, 0x7b), background: .ansi(.brightBlue), attributes: [.bold]))
        #expect(theme.style("status.unknown.deeper") == Style(foreground: .black, background: .ansi(.brightBlue)))
        #expect(theme["nothing.here"] == Style(foreground: .white, background: .indexed(236)))
        #expect(Theme().style("x") == .plain)
    }

    @Test func mergingAndDowngrading() throws {
        let base = try Theme.parse(sample)
        let light = try Theme.parse(
            """
            name = "light"
            inherits = "dark"
            [styles]
            default = { fg = "black", bg = "#ffffff" }
            """)
        #expect(light.inherits == "dark")
        let merged = light.merged(over: base)
        #expect(merged.name == "light")
        #expect(merged.style("transcript.user").foreground == .ansi(.brightCyan))
        #expect(merged.style("x").background == .rgb(255, 255, 255))
        #expect(merged.downgraded(to: .palette256).style("x").background == .indexed(231))
        #expect(
            merged.downgraded(to: .monochrome).style("status.valid")
                == Style(foreground: .default, background: .default, attributes: [.bold]))
    }

    @Test(
        arguments: [
            ("[styles]\n\"a\" = { fg = \"blurple\" }", 2, "unknown colour \"blurple\""),
            ("name = \"x\"\n\n[styles]\na = { fg = \"red\", bold = \"yes\" }", 4, "bold must be true or false"),
            ("[palette]\nbad = 300", 2, "outside 0–255"),
            ("[styles]\na = { fg = \"red\"\n", 2, "expected , or }"),
            ("[styles]\na = { fg = \"red\" } junk", 2, "unexpected"),
            ("[styles]\na = \"red\"\na = \"blue\"", 3, "defined twice (first on line 2)"),
            ("[styles]\n[styles]", 2, "defined twice"),
            ("colours = 1", 1, "unknown key colours"),
            ("[styles]\na = { modifiers = [\"bold\", \"blinking\"] }", 2, "unknown modifier"),
            ("[styles]\na = 1.5", 2, "unsupported value 1.5"),
            ("[[styles]]", 1, "not supported"),
            // A multi-line string is read (TOMLKit), then is no colour.
            ("[styles]\na = \"\"\"x\"\"\"", 2, "unknown colour \"x\""),
            (
                "[styles]\nstatus = { fg = \"black\" }\nstatus.rejected = \"red\"", 3,
                "styles.status is already set on line 2"
            ),
            ("[styles]\na = \"red\"\n[styles.a]\nfg = \"blue\"", 3, "styles.a is defined twice (first on line 2)"),
            ("[palette]\nc = 0x-1", 2, "hexadecimal integer"),
            ("# comment\n[styles]\na = \"unterminated", 3, "not closed"),
            ("[styles]\na = { fg = \"red\", wiggle = true }", 2, "unknown style field wiggle in a"),
        ] as [(String, Int, String)])
    func errorsNameTheLine(_ toml: String, _ line: Int, _ message: String) {
        do {
            _ = try Theme.parse(toml, path: "themes/broken.toml")
            Issue.record("expected an error for \(toml)")
        } catch {
            #expect(error.line == line, "\(error)")
            #expect(error.message.contains(message), "\(error)")
            #expect(error.description.hasPrefix("themes/broken.toml:\(line): "))
        }
    }

    @Test func tomlDetailsAThemeMayUse() throws {
        let theme = try Theme.parse(
            """
            [palette]
            lit = '#50fa7b'   # a literal string, then a comment
            esc = "\\u0023ffffff"
            hex = 0x1F
            big = 2_0_0
            [styles."y.z"]
            fg = "lit"
            bg = "esc"
            modifiers = ["bold",
                         "italic"]
            [styles.w]
            fg = "hex"
            bg = "big"
            """)
        #expect(theme.palette["lit"] == .rgb(0x50, 0xfa, 0x7b))
        #expect(theme.palette["esc"] == .rgb(255, 255, 255))
        #expect(theme.palette["hex"] == .indexed(31))
        #expect(theme.palette["big"] == .indexed(200))
        #expect(
            theme.styles["y.z"]
                == Style(
                    foreground: .rgb(0x50, 0xfa, 0x7b), background: .rgb(255, 255, 255), attributes: [.bold, .italic]))
        #expect(theme.styles["w"] == Style(foreground: .indexed(31), background: .indexed(200)))
    }

    @Test func anErrorInsideAMultiLineArrayNamesItsStatement() {
        do {
            _ = try Theme.parse(
                "[styles]\n\"y.z\" = { fg = \"red\" }\n[styles.w]\nmodifiers = [\"bold\",\n  \"blinking\"]\n",
                path: "t.toml")
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 4, "\(error)")
            #expect(error.message.contains("unknown modifier"))
        }
    }
}

@Suite struct ColorTests {
    @Test func parsing() {
        #expect(Color(parsing: "#50fa7b") == .rgb(0x50, 0xfa, 0x7b))
        #expect(Color(parsing: "#ABC") == .rgb(0xaa, 0xbb, 0xcc))
        #expect(Color(parsing: "208") == .indexed(208))
        #expect(Color(parsing: "red") == .red)
        #expect(Color(parsing: "Bright-Red") == .ansi(.brightRed))
        #expect(Color(parsing: "bright_blue") == .ansi(.brightBlue))
        #expect(Color(parsing: "grey") == .ansi(.brightBlack))
        #expect(Color(parsing: "default") == .default)
        #expect(Color(parsing: "#12345") == nil)
        #expect(Color(parsing: "#gggggg") == nil)
        #expect(Color(parsing: "256") == nil)
        #expect(Color(parsing: "blurple") == nil)
    }

    @Test(
        arguments: [
            (Color.rgb(255, 0, 0), Color.indexed(196)), (.rgb(0, 0, 0), .indexed(16)),
            (.rgb(255, 255, 255), .indexed(231)),
            (.rgb(0x80, 0x80, 0x80), .indexed(244)), (.rgb(0x50, 0xfa, 0x7b), .indexed(84)),
            (.rgb(0x28, 0x2a, 0x36), .indexed(236)),
            (.rgb(95, 135, 175), .indexed(67)), (.indexed(42), .indexed(42)), (.red, .red), (.default, .default),
        ] as [(Color, Color)])
    func trueColorTo256(_ from: Color, _ to: Color) {
        #expect(from.downgraded(to: .palette256) == to)
    }

    @Test(
        arguments: [
            (Color.rgb(255, 0, 0), ANSIColor.brightRed), (.rgb(205, 0, 0), .red), (.rgb(10, 10, 10), .black),
            (.rgb(250, 250, 250), .brightWhite),
            (.rgb(0x50, 0xfa, 0x7b), .green), (.rgb(0x80, 0x80, 0x80), .brightBlack), (.rgb(0, 0, 200), .blue),
            (.indexed(196), .brightRed), (.indexed(9), .brightRed), (.indexed(244), .brightBlack),
            (.indexed(28), .green), (.rgb(0x8b, 0xe9, 0xfd), .cyan),
        ] as [(Color, ANSIColor)])
    func to16(_ from: Color, _ to: ANSIColor) {
        #expect(from.downgraded(to: .ansi16) == .ansi(to))
    }

    @Test(
        arguments: [
            (Color.ansi(.brightRed), ANSIColor.red), (.ansi(.brightBlack), .white), (.ansi(.brightWhite), .white),
            (.ansi(.brightBlue), .blue),
            (.ansi(.green), .green), (.rgb(255, 220, 0), .yellow), (.rgb(255, 100, 100), .red), (.indexed(10), .green),
            (.rgb(30, 30, 30), .black),
        ] as [(Color, ANSIColor)])
    func to8(_ from: Color, _ to: ANSIColor) {
        #expect(from.downgraded(to: .ansi8) == .ansi(to))
    }

    @Test func monochromeAndDepthFromColourCount() {
        #expect(Color.rgb(1, 2, 3).downgraded(to: .monochrome) == .default)
        #expect(Color.ansi(.red).downgraded(to: .monochrome) == .default)
        #expect(
            Style(foreground: .red, attributes: [.bold]).downgraded(to: .monochrome)
                == Style(foreground: .default, attributes: [.bold]))
        #expect(ColorDepth(colorCount: 0) == .monochrome)
        #expect(ColorDepth(colorCount: 8) == .ansi8)
        #expect(ColorDepth(colorCount: 16) == .ansi16)
        #expect(ColorDepth(colorCount: 256) == .palette256)
        #expect(ColorDepth(colorCount: 0x100_0000) == .trueColor)
    }
}

@Suite struct FramePacerTests {
    let t0 = ContinuousClock.now

    @Test func idleUntilDirtyThenDrawsAtOnce() {
        var p = FramePacer<ContinuousClock.Instant>(framesPerSecond: 60)
        #expect(p.decide(now: t0) == .idle)
        p.markDirty()
        #expect(p.decide(now: t0) == .drawNow)
        p.didDraw(at: t0)
        #expect(p.decide(now: t0 + .milliseconds(1)) == .idle)
    }

    @Test func aBurstOfUpdatesCostsOneFrame() {
        var p = FramePacer<ContinuousClock.Instant>(framesPerSecond: 60)
        p.markDirty()
        p.didDraw(at: t0)
        var frames = 0
        // 100 stream chunks in 10 ms: one frame, at the end of the interval.
        for i in 0..<100 {
            let now = t0 + .microseconds(100 * i)
            p.markDirty()
            if p.decide(now: now) == .drawNow {
                frames += 1
                p.didDraw(at: now)
            }
        }
        #expect(frames == 0)
        guard case .wait(let delay) = p.decide(now: t0 + .milliseconds(10)) else {
            Issue.record("expected a wait")
            return
        }
        #expect(delay > .milliseconds(6) && delay < .milliseconds(7))
        #expect(p.decide(now: t0 + .milliseconds(17)) == .drawNow)
    }

    @Test func customInterval() {
        var p = FramePacer<ContinuousClock.Instant>(minimumInterval: .milliseconds(100))
        p.markDirty()
        p.didDraw(at: t0)
        p.markDirty()
        #expect(p.decide(now: t0 + .milliseconds(40)) == .wait(.milliseconds(60)))
        #expect(p.decide(now: t0 + .milliseconds(100)) == .drawNow)
    }
}
