import Testing

@testable import TerminalUI

@Suite struct TextEditorTests {
    @Test func typingAndDeletingByGraphemeCluster() {
        var e = TextEditor()
        for c in "héllo 👨‍👩‍👧!" { _ = e.handle(.char(c), width: 40) }
        #expect(e.text == "héllo 👨‍👩‍👧!")
        #expect(e.cursor == TextPosition(line: 0, column: 8))
        e.deleteBackward()
        e.deleteBackward() // the whole family emoji at once
        #expect(e.text == "héllo ")
        e.moveToLineStart()
        e.moveRight()
        e.deleteForward()
        #expect(e.text == "hllo ")
    }

    @Test func combiningMarkJoinsTheCharacterBeforeTheCaret() {
        var e = TextEditor(text: "cafe")
        e.insert("\u{301}")
        #expect(e.text == "café")
        #expect(e.lines[0].count == 4)
        #expect(e.cursor.column == 4)
    }

    @Test func newlinesAndJoiningLines() {
        var e = TextEditor(text: "ab")
        e.moveLeft()
        e.insertNewline()
        #expect(e.text == "a\nb")
        #expect(e.cursor == TextPosition(line: 1, column: 0))
        e.deleteBackward()
        #expect(e.text == "ab")
        e.moveToLineEnd()
        e.insert("\nc")
        e.moveToStart()
        e.moveToLineEnd()
        e.deleteForward()
        #expect(e.text == "abc")
    }

    @Test func pasteInsertsTextWithLineBreaksAndDropsControls() {
        var e = TextEditor(text: "[]")
        e.moveLeft()
        e.insert("one\r\ntwo\u{1B}[31m\tthree\rfour")
        #expect(e.text == "[one\ntwo[31m\tthree\nfour]")
        #expect(e.cursor == TextPosition(line: 2, column: 4))
    }

    @Test func wordMovementAndDeletion() {
        var e = TextEditor(text: "hello, big world")
        e.moveWordLeft()
        #expect(e.cursor.column == 11)
        e.moveWordLeft()
        #expect(e.cursor.column == 7)
        e.moveWordLeft()
        #expect(e.cursor.column == 0)
        e.moveWordRight()
        #expect(e.cursor.column == 5)
        e.moveWordRight()
        #expect(e.cursor.column == 10)
        e.moveToLineEnd()
        e.deleteWordBackward()
        #expect(e.text == "hello, big ")
        e.moveToLineStart()
        e.deleteWordForward()
        #expect(e.text == ", big ")
        _ = e.handle(KeyEvent(.end), width: 80)
        _ = e.handle(KeyEvent(.backspace, .alt), width: 80)
        #expect(e.text == ", ")
    }

    @Test func wordMovementCrossesLines() {
        var e = TextEditor(text: "ab\ncd")
        e.moveToLineStart()
        e.moveWordLeft()
        #expect(e.cursor == TextPosition(line: 0, column: 2))
        e.moveWordRight()
        #expect(e.cursor == TextPosition(line: 1, column: 0))
    }

    @Test func lineKillKeys() {
        var e = TextEditor(text: "one two three")
        e.setCursor(TextPosition(line: 0, column: 4))
        _ = e.handle(.ctrl("k"), width: 80)
        #expect(e.text == "one ")
        _ = e.handle(.ctrl("u"), width: 80)
        #expect(e.text == "")
        #expect(e.isEmpty)
    }

    @Test func upAndDownReportTheEdgesForHistory() {
        var e = TextEditor(text: "first\nsecond line")
        do {
            let result = e.handle(KeyEvent(.down), width: 80)
            #expect(result == .atBottom)
        }
        do {
            let result = e.handle(KeyEvent(.up), width: 80)
            #expect(result == .handled)
        }
        #expect(e.cursor == TextPosition(line: 0, column: 5))
        do {
            let result = e.handle(KeyEvent(.up), width: 80)
            #expect(result == .atTop)
        }
        #expect(e.cursor == TextPosition(line: 0, column: 5))
        do {
            let result = e.handle(KeyEvent(.down), width: 80)
            #expect(result == .handled)
        }
        #expect(e.cursor == TextPosition(line: 1, column: 11)) // back to the goal column
    }

    @Test func verticalMovementKeepsTheGoalColumnAndUsesWrappedRows() {
        var e = TextEditor(text: "abcdefgh\nab\nabcdefgh")
        e.setCursor(TextPosition(line: 0, column: 6))
        do {
            let moved = e.moveDown(width: 80)
            #expect(moved)
        }
        #expect(e.cursor == TextPosition(line: 1, column: 2))
        do {
            let moved = e.moveDown(width: 80)
            #expect(moved)
        }
        #expect(e.cursor == TextPosition(line: 2, column: 6))
        // Wrapped: "aaaa bbbb cccc" at width 5 is three rows.
        var w = TextEditor(text: "aaaa bbbb cccc")
        w.setCursor(TextPosition(line: 0, column: 2))
        do {
            let moved = w.moveDown(width: 5)
            #expect(moved)
        }
        #expect(w.cursor.column == 7)
        do {
            let moved = w.moveDown(width: 5)
            #expect(moved)
        }
        #expect(w.cursor.column == 12)
        do {
            let moved = w.moveDown(width: 5)
            #expect(!moved)
        }
        #expect(w.caretLocation(width: 5) == (row: 2, column: 2))
    }

    @Test func wideCharactersInVerticalMovement() {
        var e = TextEditor(text: "日本語\nabcdef")
        e.setCursor(TextPosition(line: 1, column: 3)) // column 3
        do {
            let moved = e.moveUp(width: 80)
            #expect(moved)
        }
        #expect(e.cursor == TextPosition(line: 0, column: 1)) // after 日 (column 2), not inside 本
    }

    @Test func layoutWrapsAtSpacesAndHardBreaksLongWords() {
        let e = TextEditor(text: "hello world abcdefghij")
        #expect(
            e.layout(width: 8).map { Array(e.lines[$0.line][$0.start..<$0.end]).map(String.init).joined() } == [
                "hello ", "world ", "abcdefgh", "ij",
            ])
        #expect(e.contentHeight(width: 8) == 4)
    }

    @Test func caretPastAFullRowGoesToTheNextRow() {
        var e = TextEditor(text: "abcde")
        #expect(e.caretLocation(width: 5) == (row: 1, column: 0))
        #expect(e.contentHeight(width: 5) == 2)
        let screen = snapshot(width: 5, height: 2) { frame in
            frame.cursor = e.render(in: frame.area, buffer: &frame.buffer)
        }
        #expect(screen.cursor == Position(x: 0, y: 1))
        #expect(screen.text == "abcde\n")
    }

    @Test func keysTheEditorLeavesToTheApp() {
        var e = TextEditor(text: "x")
        for key: KeyEvent in [
            KeyEvent(.enter), KeyEvent(.enter, .alt), .ctrl("j"), KeyEvent(.tab), KeyEvent(.escape), .ctrl("q"),
            .ctrl("n"), .ctrl("r"), .ctrl("f"), KeyEvent(.function(1)), KeyEvent(.pageUp),
        ] {
            let result = e.handle(key, width: 80)
            #expect(result == .notHandled, "\(key)")
        }
        #expect(e.text == "x")
    }
}

@Suite struct TextEditorRenderTests {
    @Test func tabsRenderAsSpacesAndCountForTheCaret() {
        var e = TextEditor(text: "\tx", tabWidth: 4)
        let screen = snapshot(width: 10, height: 1) { frame in
            frame.cursor = e.render(in: frame.area, buffer: &frame.buffer)
        }
        #expect(screen.text == "    x")
        #expect(screen.cursor == Position(x: 5, y: 0))
        #expect(e.text == "\tx")
    }

    @Test func largePasteKeepsTheCaretAtItsEnd() {
        var e = TextEditor(text: "before  after")
        e.setCursor(TextPosition(line: 0, column: 7))
        let paste = (1...2000).map { "line \($0) 中文" }.joined(separator: "\n")
        e.insert(paste)
        #expect(e.lines.count == 2000)
        #expect(e.cursor == TextPosition(line: 1999, column: "line 2000 中文".count))
        #expect(e.text == "before " + paste + " after")
        let screen = snapshot(width: 20, height: 3) { frame in
            frame.cursor = e.render(in: frame.area, buffer: &frame.buffer)
        }
        #expect(
            screen.textWithCursor == """
                line 1998 中文
                line 1999 中文
                line 2000 中文▏ after
                """)
    }
}
