import Testing

@testable import TerminalUI

/// Draws one frame into a fresh in-memory terminal and returns it.
@discardableResult
func snapshot(width: Int, height: Int, _ body: (inout Frame) -> Void) -> MemoryBackend {
    let backend = MemoryBackend(width: width, height: height)
    Terminal(backend: backend).draw(body)
    return backend
}

@Suite struct WidgetSnapshotTests {
    let numbered = (1...20).map { Line("line \($0)") }

    @Test func textViewScrolledUpShowsMoreBelowMarker() {
        let screen = snapshot(width: 20, height: 5) { frame in
            TextView(lines: numbered, scroll: ScrollState(offset: 3, followsBottom: false)).render(
                in: frame.area, buffer: &frame.buffer)
        }
        #expect(
            screen.text == """
                line 4
                line 5
                line 6
                line 7
                line 8 ↓ more below
                """)
        #expect(screen.styledText().hasSuffix("line 8[ ↓ more below ]{reverse}"))
    }

    @Test func textViewFollowingTheBottomHasNoMarker() {
        let screen = snapshot(width: 20, height: 4) { frame in
            TextView(lines: numbered).render(in: frame.area, buffer: &frame.buffer)
        }
        #expect(
            screen.text == """
                line 17
                line 18
                line 19
                line 20
                """)
    }

    @Test func textViewWithWrappedWideText() {
        let rows = TextLayout.wrap([Line("Claude: 你好！今天我们聊聊 Swift 吧 👋", style: Style(foreground: .cyan))], width: 12)
        let screen = snapshot(width: 12, height: 5) { frame in
            TextView(lines: rows).render(in: frame.area, buffer: &frame.buffer)
        }
        #expect(
            screen.text == """
                Claude: 你好
                ！今天我们聊
                聊 Swift 吧
                👋

                """)
    }

    @Test func scrollStateFollowsUntilTheUserScrollsUp() {
        var s = ScrollState()
        #expect(s.resolvedOffset(contentHeight: 50, viewportHeight: 10) == 40)
        s.pageUp(contentHeight: 50, viewportHeight: 10)
        #expect(!s.followsBottom)
        #expect(s.offset == 31)
        // New content arrives: the view stays where the user put it, and says there is more.
        #expect(s.resolvedOffset(contentHeight: 80, viewportHeight: 10) == 31)
        #expect(s.hasMoreBelow(contentHeight: 80, viewportHeight: 10))
        s.pageDown(contentHeight: 80, viewportHeight: 10)
        #expect(s.offset == 40)
        s.scroll(by: 1000, contentHeight: 80, viewportHeight: 10)
        #expect(s.followsBottom)
        s.scrollToTop(contentHeight: 80, viewportHeight: 10)
        #expect(s.resolvedOffset(contentHeight: 80, viewportHeight: 10) == 0)
        s.scrollToBottom()
        #expect(s.resolvedOffset(contentHeight: 80, viewportHeight: 10) == 70)
        #expect(ScrollState(offset: 5, followsBottom: false).resolvedOffset(contentHeight: 3, viewportHeight: 10) == 0)
    }

    @Test func editorWithCursorAtTheCaret() {
        var editor = TextEditor(text: "Hello 世界, this line wraps\nsecond")
        editor.setCursor(TextPosition(line: 0, column: 8)) // after 界
        let screen = snapshot(width: 14, height: 4) { frame in
            frame.cursor = editor.render(in: frame.area, buffer: &frame.buffer)
        }
        #expect(
            screen.textWithCursor == """
                Hello 世界▏,
                this line
                wraps
                second
                """)
        #expect(screen.cursor == Position(x: 10, y: 0))
    }

    @Test func editorScrollsToKeepTheCaretVisible() {
        var editor = TextEditor(text: "one\ntwo\nthree\nfour\nfive")
        let area = Rect(x: 2, y: 1, width: 10, height: 2)
        let screen = snapshot(width: 12, height: 4) { frame in
            frame.cursor = editor.render(in: area, buffer: &frame.buffer)
        }
        #expect(
            screen.textWithCursor == """

                  four
                  five▏

                """)
        editor.moveToStart()
        let top = snapshot(width: 12, height: 4) { frame in
            frame.cursor = editor.render(in: area, buffer: &frame.buffer)
        }
        #expect(
            top.textWithCursor == """

                  ▏one
                  two

                """)
    }

    @Test func editorPlaceholder() {
        var editor = TextEditor(placeholder: "Type a message…")
        let screen = snapshot(width: 20, height: 2) { frame in
            frame.cursor = editor.render(in: frame.area, buffer: &frame.buffer)
        }
        #expect(screen.textWithCursor == "▏Type a message…\n")
        #expect(screen.styledText() == "[Type a message…]{dim}\n")
    }

    func modalScreen(width: Int, height: Int) -> MemoryBackend {
        snapshot(width: width, height: height) { frame in
            for y in 0..<height { frame.buffer.setString(String(repeating: ".", count: width), x: 0, y: y) }
            let modal = ModalFrame(title: Line("Rename conversation"), width: 30, height: 8)
            let inner = modal.render(in: frame.area, buffer: &frame.buffer)
            let lines = [Line("New title:"), Line("> 日本語の会話"), Line("Enter saves · Esc cancels")]
            for (i, line) in lines.enumerated() where i < inner.height {
                frame.buffer.setLine(
                    TextLayout.truncate(line, width: inner.width), x: inner.x, y: inner.y + i, clip: inner)
            }
        }
    }

    @Test func modalCentredAt40x12() {
        #expect(
            modalScreen(width: 40, height: 12).text == """
                ........................................
                ........................................
                .....╭ Rename conversation ───────╮.....
                .....│New title:                  │.....
                .....│> 日本語の会話              │.....
                .....│Enter saves · Esc cancels   │.....
                .....│                            │.....
                .....│                            │.....
                .....│                            │.....
                .....╰────────────────────────────╯.....
                ........................................
                ........................................
                """)
    }

    @Test func modalClippedAt20x5() {
        #expect(
            modalScreen(width: 20, height: 5).text == """
                ╭ Rename conversat…╮
                │New title:        │
                │> 日本語の会話    │
                │Enter saves · Esc…│
                ╰──────────────────╯
                """)
    }

    @Test func modalInATinyArea() {
        let screen = snapshot(width: 3, height: 1) { frame in
            #expect(ModalFrame(title: "x", width: 10, height: 5).render(in: frame.area, buffer: &frame.buffer) == .zero)
        }
        #expect(screen.text == "")
    }

    @Test func statusLineTruncatesTheLeftSide() {
        let left = [
            Span(" palaver ", style: Style(attributes: [.bold])), Span(" claude-sonnet-4 "),
            Span(" A long conversation title "),
        ]
        let right = [Span(" valid ", style: Style(foreground: .green)), Span(" sk-ant-…abcd ")]
        let status = StatusLine(left: left, right: right, style: Style(background: .blue))
        let wide = snapshot(width: 80, height: 1) { frame in status.render(in: frame.area, buffer: &frame.buffer) }
        #expect(wide.text == " palaver  claude-sonnet-4  A long conversation title        valid  sk-ant-…abcd")
        let narrow = snapshot(width: 30, height: 1) { frame in status.render(in: frame.area, buffer: &frame.buffer) }
        #expect(narrow.text == " palave…  valid  sk-ant-…abcd")
        #expect(
            narrow.styledText()
                == "[ palave…]{bg=blue bold}[ ]{bg=blue}[ valid ]{fg=green bg=blue}[ sk-ant-…abcd ]{bg=blue}")
        let tiny = snapshot(width: 15, height: 1) { frame in status.render(in: frame.area, buffer: &frame.buffer) }
        #expect(tiny.text == " valid  sk-ant…")
    }

    @Test func statusLineCutsWideCharactersByDisplayWidth() {
        let status = StatusLine(left: [Span("会話のタイトル")], right: [Span("OK")])
        let screen = snapshot(width: 10, height: 1) { frame in status.render(in: frame.area, buffer: &frame.buffer) }
        #expect(screen.text == "会話の… OK")
    }

    @Test func listKeepsTheSelectionVisible() {
        var state = ListState(selected: 6)
        let items = (1...10).map { Line("item \($0)") }
        let screen = snapshot(width: 12, height: 4) { frame in
            ListView(items: items, highlightSymbol: "› ").render(in: frame.area, buffer: &frame.buffer, state: &state)
        }
        #expect(state.offset == 3)
        #expect(
            screen.text == """
                  item 4
                  item 5
                  item 6
                › item 7
                """)
        #expect(screen.styledText().hasSuffix("[› item 7    ]{reverse}"))
        state.selectPrevious(count: 10)
        state.selectPrevious(count: 10)
        state.selectPrevious(count: 10)
        state.selectPrevious(count: 10)
        let moved = snapshot(width: 12, height: 4) { frame in
            ListView(items: items, highlightSymbol: "› ").render(in: frame.area, buffer: &frame.buffer, state: &state)
        }
        #expect(state.offset == 2)
        #expect(moved.lines()[0] == "› item 3    ")
    }

    @Test func resizeDuringUseRedrawsWithoutLeftovers() {
        let backend = MemoryBackend(width: 30, height: 6)
        let terminal = Terminal(backend: backend)
        func frame(_ f: inout Frame) {
            TextView(lines: TextLayout.wrap(numbered.map { Line($0.plainText + " 中文") }, width: f.area.width)).render(
                in: f.area.inset(bottom: 1), buffer: &f.buffer)
            StatusLine(left: [Span("status")], right: [Span("\(f.area.width)×\(f.area.height)")]).render(
                in: f.area.row(f.area.height - 1), buffer: &f.buffer)
        }
        terminal.draw(frame)
        backend.resize(width: 9, height: 4)
        terminal.draw(frame)
        #expect(
            backend.text == """
                中文
                line 20
                中文
                stat… 9×4
                """)
        let fresh = snapshot(width: 9, height: 4, frame)
        #expect(backend.screen == fresh.screen)
    }
}
