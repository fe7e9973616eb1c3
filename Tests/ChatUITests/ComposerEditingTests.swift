import ChatCore
import Foundation
import TerminalUI
import TestSupport
import Testing

@testable import ChatUI

/// The composer's undo and redo, clearing the draft, the Ctrl+X prefix, the size of a long
/// draft in its border, and editing the draft in `$VISUAL` / `$EDITOR`. Serialized: running an
/// editor changes the process's SIGINT and SIGQUIT dispositions for a while (the app runs one
/// editor at a time).
@Suite(.serialized) struct ComposerEditingTests {
    @Test func undoAndRedoKeysGoAWordAtATimeAndTheDraftFollows() {
        var app = makeApp()
        app.type("hello big world")
        app.press(.ctrl("_"))
        #expect(app.ui.composer.text == "hello big ")
        #expect(app.chat.draft == "hello big ")
        app.press(.ctrl("z"))
        #expect(app.ui.composer.text == "hello ")
        app.press(.alt("_"))
        app.press(.alt("_"))
        #expect(app.ui.composer.text == "hello big world")
        #expect(app.chat.draft == "hello big world")
        app.press(.alt("_"))
        #expect(app.chat.notice?.text == "Nothing to redo in the composer.")
    }

    @Test func aPasteIsUndoneAtOnce() {
        var app = makeApp()
        app.type("see: ")
        _ = app.handle(.paste("one\ntwo\nthree"))
        app.press(.ctrl("z"))
        #expect(app.ui.composer.text == "see: ")
        app.press(.ctrl("z"))
        #expect(app.ui.composer.isEmpty)
        app.press(.ctrl("z"))
        #expect(app.chat.notice?.text == "Nothing to undo in the composer.")
    }

    @Test func recallingAnEarlierPromptCanBeUndone() throws {
        var app = makeApp()
        app.type("the first prompt")
        let request = try #require(sentRequest(app.press(KeyEvent(.enter))))
        _ = app.apply(.conversationCreated(conversation(1, "First")))
        app.stream(turn: request.turn, ["a reply"])
        app.type("a new draft")
        app.press(KeyEvent(.up))
        #expect(app.ui.composer.text == "the first prompt")
        app.press(.ctrl("z"))
        #expect(app.ui.composer.text == "a new draft")
        #expect(app.chat.draft == "a new draft")
    }

    @Test func altCClearsTheDraftAndUndoBringsItBack() {
        var app = makeApp()
        app.type("a draft I regret")
        app.press(KeyEvent(.enter, .alt))
        app.type("second line")
        app.press(.alt("c"))
        #expect(app.ui.composer.isEmpty)
        #expect(app.chat.draft.isEmpty)
        #expect(app.chat.notice?.text == "Draft cleared: Ctrl+Z brings it back.")
        app.press(.ctrl("z"))
        #expect(app.ui.composer.text == "a draft I regret\nsecond line")
        #expect(app.chat.draft == "a draft I regret\nsecond line")
        // An empty composer: nothing happens, nothing is said.
        var empty = makeApp()
        empty.press(.alt("c"))
        #expect(empty.chat.notice == nil)
    }

    @Test func ctrlXWaitsForTheNextKey() {
        var app = makeApp()
        app.type("my draft")
        app.press(.ctrl("x"))
        #expect(app.top(PrefixLayer.self) != nil)
        #expect(app.screen().text.contains("Ctrl+E edit in $EDITOR"))
        // Ctrl+E: the draft is saved, then the loop runs the editor.
        let output = app.handle(.key(.ctrl("e")))
        #expect(output.ui == [.editDraft])
        #expect(output.chat == [.saveDraft(DraftSave(conversation: nil, text: "my draft"))])
        #expect(app.ui.layers.isEmpty)
        // Esc: nothing.
        app.press(.ctrl("x"))
        app.press(KeyEvent(.escape))
        #expect(app.ui.layers.isEmpty)
        #expect(app.ui.composer.text == "my draft")
        // Another key: not typed; a notice says which keys go with Ctrl+X.
        app.press(.ctrl("x"))
        app.press(.char("q"))
        #expect(app.ui.layers.isEmpty)
        #expect(app.ui.composer.text == "my draft")
        #expect(app.chat.notice?.text.contains("Ctrl+X then Ctrl+E") == true)
        // Ctrl+X Ctrl+U undoes, as in bash.
        app.type(" more")
        app.press(.ctrl("x"))
        app.press(.ctrl("u"))
        #expect(app.ui.composer.text == "my draft ")
    }

    @Test func theBorderShowsTheSizeOfALongDraft() {
        var app = makeApp(width: 100, height: 30)
        app.type("short")
        #expect(!app.screen().text.contains("chars"))
        for line in ["two", "three", "four"] {
            app.press(KeyEvent(.enter, .alt))
            app.type(line)
        }
        let rows = app.screen().text.components(separatedBy: "\n")
        let border = rows.first { $0.contains("Alt+Enter newline") }
        #expect(border?.contains("─ 20 chars · 4 lines ─") == true, "\(border ?? "no border")")
        var long = makeApp(width: 100, height: 30)
        _ = long.handle(.paste(String(repeating: "x", count: 1234)))
        #expect(long.screen().text.contains(" 1,234 chars · 1 line "))
        #expect(ChatApp.grouped(0) == "0")
        #expect(ChatApp.grouped(999) == "999")
        #expect(ChatApp.grouped(1_234_567) == "1,234,567")
        // At 40 columns the size stays whole; the hints give way.
        var narrow = makeApp(width: 40, height: 12)
        _ = narrow.handle(.paste(String(repeating: "y", count: 600)))
        let narrowBorder = narrow.screen().text.components(separatedBy: "\n").first { $0.contains("600 chars") }
        #expect(narrowBorder?.contains("─ 600 chars · 1 line ─") == true, "\(narrowBorder ?? "no border")")
    }

    // MARK: The editor

    /// A scripted editor in `dir`: a shell script with `body`.
    static func script(_ body: String, in dir: TemporaryDirectory, name: String = "editor.sh") throws -> String {
        let path = dir.path(name)
        try writeExecutable("#!/bin/sh\n" + body + "\n", to: path)
        return path
    }

    /// Writes a script with a close-on-exec descriptor: a process spawned meanwhile by another
    /// test must not keep it open for writing (running it would then fail with ETXTBSY).
    static func writeExecutable(_ text: String, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw POSIXError(.EIO) }
    }

    static func editor(_ dir: TemporaryDirectory, _ variables: [String: String]) -> ExternalEditor {
        ExternalEditor(
            environment: ["PATH": "/usr/bin:/bin"].merging(variables) { $1 }, directory: dir.path("state dir/it's tmp"))
    }

    @Test func theEditorsFileBecomesTheDraft() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-editor")
        // The script records its arguments, the file's mode and content, then appends a line.
        let script = try Self.script(
            """
            printf '%s\\n' "$#" "$1" > "\(dir.path("args"))"
            stat -c %a "$1" > "\(dir.path("mode"))"
            cat "$1" > "\(dir.path("seen"))"
            printf 'appended by the editor\\n' >> "$1"
            """, in: dir)
        var suspended = 0
        var resumed = 0
        let outcome = Self.editor(dir, ["EDITOR": script]).edit(
            "line one\nline two", suspend: { suspended += 1 }, resume: { resumed += 1 })
        #expect(outcome == .edited("line one\nline two\nappended by the editor", editor: "editor.sh"))
        #expect(suspended == 1 && resumed == 1)
        let args = try String(contentsOfFile: dir.path("args"), encoding: .utf8).split(separator: "\n")
        #expect(args.first == "1")
        #expect(args.last?.hasPrefix(dir.path("state dir/it's tmp/draft-")) == true)
        #expect(try String(contentsOfFile: dir.path("mode"), encoding: .utf8) == "600\n")
        #expect(try String(contentsOfFile: dir.path("seen"), encoding: .utf8) == "line one\nline two\n")
        // The temporary file is gone.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path("state dir/it's tmp")).isEmpty)
    }

    @Test func aFailingOrMissingEditorLeavesTheDraftAndSaysSo() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-editor")
        let failing = try Self.script("printf 'half-done' > \"$1\"; exit 1", in: dir)
        #expect(
            Self.editor(dir, ["EDITOR": failing]).edit("draft", suspend: {}, resume: {})
                == .failed("editor.sh exited with status 1. The draft is unchanged."))
        #expect(
            Self.editor(dir, ["EDITOR": dir.path("no-such-editor")]).edit("draft", suspend: {}, resume: {})
                == .failed("no-such-editor was not found (status 127). The draft is unchanged."))
        // The shell that runs the editor is killed.
        #expect(
            Self.editor(dir, ["VISUAL": "kill -TERM $$ #"]).edit("draft", suspend: {}, resume: {})
                == .failed("kill -TERM $$ # was ended by signal 15. The draft is unchanged."))
        // No $VISUAL, no $EDITOR and no vi on the PATH.
        let none = ExternalEditor(environment: ["PATH": dir.path("empty")], directory: dir.path("tmp"))
        #expect(none.command == nil)
        #expect(
            none.edit("draft", suspend: {}, resume: {})
                == .failed("No editor to open: set $VISUAL or $EDITOR (vi is not on the PATH either)."))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path("state dir/it's tmp")).isEmpty)
    }

    @Test func visualComesBeforeEditorAndACommandMayHaveArguments() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-editor")
        let script = try Self.script("printf '%s' \"$1\" > \"$2\"", in: dir)
        let editor = Self.editor(dir, ["VISUAL": "\(script) 'from visual'", "EDITOR": "false"])
        #expect(editor.command == "\(script) 'from visual'")
        #expect(editor.edit("x", suspend: {}, resume: {}) == .edited("from visual", editor: "editor.sh 'from visual'"))
        #expect(ExternalEditor.shortName("/usr/bin/vim") == "vim")
        #expect(ExternalEditor.shortName("code -w") == "code -w")
        #expect(ExternalEditor.shortName("emacs -nw --eval '(a/b)'") == "emacs -nw --eval '(a/b)'")
        #expect(ExternalEditor.shortName(String(repeating: "e", count: 50)) == String(repeating: "e", count: 39) + "…")
        #expect(ExternalEditor(environment: ["EDITOR": "  "], directory: "/tmp").command != "  ")
    }

    @Test func ctrlCInTheEditorIsTheEditorsOwn() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-editor")
        func disposition() -> Int {
            var current = sigaction()
            sigaction(SIGINT, nil, &current)
            return unsafeBitCast(current.__sigaction_handler.sa_handler, to: Int.self)
        }
        let before = disposition()
        // The editor's shell sends its parent (this process) a SIGINT, as Ctrl+C in a terminal
        // would send the whole foreground group: it is ignored while the editor runs.
        let editor = Self.editor(dir, ["EDITOR": "kill -INT $PPID; printf 'survived\\n' >"])
        guard case .edited(let text, _) = editor.edit("x", suspend: {}, resume: {}) else {
            Issue.record("the editor did not finish")
            return
        }
        #expect(text == "survived")
        #expect(disposition() == before)
    }

    @Test func theLoopPutsWhatTheEditorSavedInTheComposerAsOneUndoStep() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-editor")
        let appending = try Self.script("printf 'and more\\n' >> \"$1\"", in: dir, name: "append.sh")
        let failing = try Self.script("printf 'lost' > \"$1\"; exit 3", in: dir, name: "fail.sh")
        var app = makeApp()
        app.type("draft")
        let backend = MemoryBackend(width: 100, height: 30)
        var runner = UIEffectRunner(
            backend: backend, editor: Self.editor(dir, ["EDITOR": appending]), handover: backend)
        runner.run([.editDraft], on: &app)
        #expect(app.ui.composer.text == "draft\nand more")
        #expect(app.chat.draft == "draft\nand more")
        #expect(app.ui.draftDirty)
        #expect(app.chat.notice?.text == "The draft is what append.sh saved (Ctrl+Z undoes it).")
        app.press(.ctrl("z"))
        #expect(app.ui.composer.text == "draft")

        runner.editor = Self.editor(dir, ["EDITOR": failing])
        runner.run([.editDraft], on: &app)
        #expect(app.ui.composer.text == "draft")
        #expect(app.chat.notice?.text == "fail.sh exited with status 3. The draft is unchanged.")
        #expect(app.chat.notice?.isError == true)

        // Without a terminal to lend, nothing runs.
        UIEffectRunner().run([.editDraft], on: &app)
        #expect(app.ui.composer.text == "draft")
        #expect(app.chat.notice?.text == "No terminal to lend to an editor here.")
    }
}
