import Testing

@testable import TerminalUI

@Suite struct RendererTests {
    @Test func onlyChangedRunsAreWritten() {
        var a = Buffer(width: 10, height: 3)
        a.setString("hello", x: 0, y: 0)
        a.setString("world", x: 0, y: 1)
        var b = a
        b.setString("J", x: 0, y: 0)
        b.setString("xy", x: 3, y: 0)
        b.setString("!", x: 9, y: 2)
        let runs = Renderer.diff(from: a, to: b)
        #expect(runs.map { "\($0.x),\($0.y):\($0.text)" } == ["0,0:J", "3,0:xy", "9,2:!"])
        #expect(Renderer.diff(from: a, to: a).isEmpty)
    }

    @Test func adjacentChangesFormOneRun() {
        let a = Buffer(width: 6, height: 1)
        var b = a
        b.setString("abc", x: 1, y: 0)
        #expect(Renderer.diff(from: a, to: b) == [CellRun(x: 1, y: 0, cells: [Cell("a"), Cell("b"), Cell("c")])])
    }

    @Test func styleChangeAloneIsWritten() {
        var a = Buffer(width: 4, height: 1)
        a.setString("ab", x: 0, y: 0)
        var b = a
        b.setStyle(Style(attributes: [.bold]), in: Rect(x: 1, y: 0, width: 1, height: 1))
        #expect(Renderer.diff(from: a, to: b).map(\.x) == [1])
    }

    @Test func wideCharacterReplacedByNarrowClearsTheContinuation() {
        var a = Buffer(width: 6, height: 1)
        a.setString("中x", x: 0, y: 0)
        var b = Buffer(width: 6, height: 1)
        b.setString("ax", x: 0, y: 0) // x moves from column 2 to 1
        let runs = Renderer.diff(from: a, to: b)
        #expect(runs.count == 1)
        #expect(runs[0].x == 0)
        #expect(runs[0].text == "ax ")

        // On a terminal: the continuation column must not keep half of the old character.
        let backend = MemoryBackend(width: 6, height: 1)
        let terminal = Terminal(backend: backend)
        terminal.draw { $0.buffer.setString("中x", x: 0, y: 0) }
        #expect(backend.lines() == ["中x   "])
        terminal.draw { $0.buffer.setString("a", x: 0, y: 0) }
        #expect(backend.lines() == ["a     "])
        #expect(
            backend.screen
                == {
                    var expected = Buffer(width: 6, height: 1)
                    expected.setString("a", x: 0, y: 0)
                    return expected
                }())
    }

    @Test func narrowReplacedByWideAndWideShifted() {
        let backend = MemoryBackend(width: 8, height: 1)
        let terminal = Terminal(backend: backend)
        terminal.draw { $0.buffer.setString("abcdef", x: 0, y: 0) }
        terminal.draw { $0.buffer.setString("a中def", x: 0, y: 0) }
        #expect(backend.lines() == ["a中def  "])
        terminal.draw { $0.buffer.setString("ab中ef", x: 0, y: 0) }
        #expect(backend.lines() == ["ab中ef  "])
        terminal.draw { $0.buffer.setString("ab日ef", x: 0, y: 0) }
        #expect(backend.lines() == ["ab日ef  "])
        // Only the wide character (with its continuation) was written.
        #expect(backend.drawLog.last?.map(\.text) == ["日"])
    }

    @Test func firstFrameAndResizeRedrawEverything() {
        let backend = MemoryBackend(width: 10, height: 3)
        let terminal = Terminal(backend: backend)
        let first = terminal.draw { $0.buffer.setString("top", x: 0, y: 0) }
        #expect(first.clearsScreen)
        #expect(backend.clearCount == 1)
        let second = terminal.draw { $0.buffer.setString("top", x: 0, y: 0) }
        #expect(!second.clearsScreen)
        #expect(second.runs.isEmpty)
        backend.resize(width: 8, height: 2)
        let third = terminal.draw { $0.buffer.setString("top", x: 0, y: 0) }
        #expect(third.clearsScreen)
        #expect(third.runs.map(\.text) == ["top"])
        #expect(backend.clearCount == 2)
        #expect(backend.lines() == ["top     ", "        "])
        #expect(backend.readEvent(timeout: nil) == .resize(Size(width: 8, height: 2)))
        terminal.invalidate()
        #expect(terminal.draw { $0.buffer.setString("top", x: 0, y: 0) }.clearsScreen)
    }

    @Test func cursorIsPlacedOrHidden() {
        let backend = MemoryBackend(width: 10, height: 2)
        let terminal = Terminal(backend: backend)
        terminal.draw { $0.cursor = Position(x: 3, y: 1) }
        #expect(backend.cursor == Position(x: 3, y: 1))
        terminal.draw { $0.cursor = nil }
        #expect(backend.cursor == nil)
        terminal.draw { $0.cursor = Position(x: 30, y: 1) }
        #expect(backend.cursor == nil)
    }

    @Test func memoryBackendDowngradesColours() {
        let backend = MemoryBackend(width: 4, height: 1, colorDepth: .ansi16)
        let terminal = Terminal(backend: backend)
        terminal.draw { $0.buffer.setString("x", x: 0, y: 0, style: Style(foreground: .rgb(250, 10, 10))) }
        #expect(backend.styledText() == "[x]{fg=bright-red}")
    }
}
