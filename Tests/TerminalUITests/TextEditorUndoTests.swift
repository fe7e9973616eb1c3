import Testing

@testable import TerminalUI

/// Undo and redo in ``TextEditor``: grouping of typing and deleting, pastes, whole-text steps,
/// the bounds of the history.
@Suite struct TextEditorUndoTests {
    static func typed(_ text: String, into editor: inout TextEditor) {
        for c in text { _ = editor.handle(.char(c), width: 80) }
    }

    @Test func typingIsUndoneAWordAtATime() {
        var e = TextEditor()
        Self.typed("hello big world", into: &e)
        let undo1 = e.undo()
        #expect(undo1)
        #expect(e.text == "hello big ")
        let undo2 = e.undo()
        #expect(undo2)
        #expect(e.text == "hello ")
        let undo3 = e.undo()
        #expect(undo3)
        #expect(e.text == "")
        let undo4 = e.undo()
        #expect(undo4 == false, "nothing to undo")
        let redo5 = e.redo()
        #expect(redo5)
        #expect(e.text == "hello ")
        var redone = e.redo()
        redone = e.redo() && redone
        #expect(redone)
        #expect(e.text == "hello big world")
        #expect(e.cursor == TextPosition(line: 0, column: 15))
        let redo6 = e.redo()
        #expect(redo6 == false, "nothing to redo")
    }

    @Test func aPauseEndsTheStep() {
        var e = TextEditor()
        Self.typed("abc", into: &e)
        e.endUndoGroup()
        Self.typed("def", into: &e)
        for _ in 0..<2 { _ = e.handle(KeyEvent(.backspace), width: 80) }
        e.endUndoGroup()
        _ = e.handle(KeyEvent(.backspace), width: 80)
        #expect(e.text == "abc")
        e.undo()
        #expect(e.text == "abcd")
        e.undo()
        #expect(e.text == "abcdef")
        e.undo()
        #expect(e.text == "abc")
        e.undo()
        #expect(e.text == "")
    }

    @Test func movingTheCaretStartsANewStep() {
        var e = TextEditor()
        Self.typed("abc", into: &e)
        e.moveLeft()
        Self.typed("X", into: &e)
        #expect(e.text == "abXc")
        e.undo()
        #expect(e.text == "abc")
        #expect(e.cursor == TextPosition(line: 0, column: 2))
        e.undo()
        #expect(e.text == "")
    }

    @Test func aRunOfBackspacesIsOneStepAndItsCaretComesBack() {
        var e = TextEditor()
        Self.typed("one two", into: &e)
        for _ in 0..<5 { _ = e.handle(KeyEvent(.backspace), width: 80) }
        #expect(e.text == "on")
        _ = e.handle(.ctrl("_"), width: 80)
        #expect(e.text == "one two")
        #expect(e.cursor.column == 7)
        // Delete forward is a run of its own, apart from the backspaces.
        e.moveToLineStart()
        e.deleteForward()
        e.deleteForward()
        _ = e.handle(KeyEvent(.backspace), width: 80) // at the start: nothing deleted, no step
        #expect(e.text == "e two")
        _ = e.handle(.ctrl("z"), width: 80)
        #expect(e.text == "one two")
        _ = e.handle(.alt("_"), width: 80)
        #expect(e.text == "e two")
    }

    @Test func aPasteIsOneStepAndTypingAfterItAnother() {
        var e = TextEditor()
        Self.typed("note: ", into: &e)
        e.insert("line one\nline two\nline three")
        Self.typed("!", into: &e)
        e.undo()
        #expect(e.text == "note: line one\nline two\nline three")
        e.undo()
        #expect(e.text == "note: ")
    }

    @Test func wordAndLineDeletionsAndNewlinesAreStepsOfTheirOwn() {
        var e = TextEditor()
        Self.typed("alpha beta", into: &e)
        e.insertNewline()
        Self.typed("gamma", into: &e)
        e.deleteWordBackward()
        e.deleteToLineStart() // nothing left on the line: no step
        e.moveToStart()
        e.deleteToLineEnd()
        #expect(e.text == "\n")
        e.undo()
        #expect(e.text == "alpha beta\n")
        e.undo()
        #expect(e.text == "alpha beta\ngamma")
        e.undo()
        #expect(e.text == "alpha beta\n")
        e.undo()
        #expect(e.text == "alpha beta")
    }

    @Test func deleteAllAndReplaceTextCanBeUndone() {
        var e = TextEditor()
        Self.typed("a long draft", into: &e)
        e.deleteAll()
        #expect(e.isEmpty)
        e.undo()
        #expect(e.text == "a long draft")
        e.replaceText("from the editor\n")
        #expect(e.text == "from the editor\n")
        #expect(e.cursor == TextPosition(line: 1, column: 0))
        e.undo()
        #expect(e.text == "a long draft")
        e.redo()
        #expect(e.text == "from the editor\n")
    }

    @Test func aNewEditForgetsTheRedoSteps() {
        var e = TextEditor()
        Self.typed("one two", into: &e)
        e.undo()
        #expect(e.canRedo)
        Self.typed("three", into: &e)
        #expect(!e.canRedo)
        let redo7 = e.redo()
        #expect(redo7 == false, "nothing to redo")
        #expect(e.text == "one three")
    }

    @Test func settingTheTextStartsANewHistory() {
        var e = TextEditor()
        Self.typed("draft of one conversation", into: &e)
        e.text = "another conversation's draft"
        #expect(!e.canUndo)
        let undo8 = e.undo()
        #expect(undo8 == false, "nothing to undo")
        #expect(e.text == "another conversation's draft")
        e.clear()
        #expect(!e.canUndo)
    }

    @Test func theHistoryIsBounded() {
        var e = TextEditor()
        for i in 0..<(UndoHistory.maxSteps + 50) { e.insert("\(i) ") }
        var steps = 0
        while e.undo() { steps += 1 }
        #expect(steps == UndoHistory.maxSteps)
        #expect(e.text.hasPrefix("0 1 2 "))
        #expect(e.text.hasSuffix("49 "))

        // Big texts: only as many steps as fit in the byte budget are kept (at least the newest).
        var history = UndoHistory()
        let chunk = String(repeating: "x", count: UndoHistory.maxBytes / 4)
        for _ in 0..<10 { history.push(UndoHistory.Snapshot(text: chunk, cursor: TextPosition(line: 0, column: 0))) }
        #expect(history.undo.count == 4)
        history.push(
            UndoHistory.Snapshot(text: chunk + chunk + chunk + chunk + chunk, cursor: TextPosition(line: 0, column: 0)))
        #expect(history.undo.count == 1)
        _ = history.popUndo()
        history.push(UndoHistory.Snapshot(text: chunk, cursor: TextPosition(line: 0, column: 0)))
        #expect(history.undo.count == 1)
    }

    @Test func characterCountCountsClustersAndLineBreaks() {
        #expect(TextEditor(text: "").characterCount == 0)
        #expect(TextEditor(text: "héllo 👨‍👩‍👧").characterCount == 7)
        #expect(TextEditor(text: "ab\ncd\n").characterCount == 6)
    }
}
