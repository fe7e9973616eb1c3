import Testing

@testable import TerminalUI

@Suite struct BufferTests {
    @Test func setStringReturnsColumnsAndClips() {
        var b = Buffer(width: 10, height: 2)
        #expect(b.setString("hello", x: 0, y: 0) == 5)
        #expect(b.setString("中文", x: 6, y: 0) == 4)
        #expect(b.lines() == ["hello 中文", "          "])
        #expect(b.setString("abcdef", x: 7, y: 1) == 3)
        #expect(b.lines()[1] == "       abc")
        #expect(b.setString("x", x: 0, y: 5) == 0)
    }

    @Test func wideCharacterAtTheRightEdgeBecomesASpace() {
        var b = Buffer(width: 5, height: 1)
        #expect(b.setString("abcd中", x: 0, y: 0) == 5)
        #expect(b.lines() == ["abcd "])
        #expect(b[4, 0].width == 1)
        var c = Buffer(width: 10, height: 1)
        let clip = Rect(x: 2, y: 0, width: 3, height: 1)
        #expect(c.setString("a中文", x: 2, y: 0, clip: clip) == 3)
        #expect(c.lines() == ["  a中     "])
        var d = Buffer(width: 10, height: 1)
        d.setString("ab中cd", x: 0, y: 0, clip: Rect(x: 0, y: 0, width: 3, height: 1))
        #expect(d.lines() == ["ab        "])
    }

    @Test func wideCharacterOccupiesTwoCells() {
        var b = Buffer(width: 4, height: 1)
        b.setString("中", x: 1, y: 0, style: Style(foreground: .red))
        #expect(b[1, 0].character == "中")
        #expect(b[1, 0].width == 2)
        #expect(b[2, 0].isContinuation)
        #expect(b[2, 0].style.foreground == .red)
    }

    @Test func overwritingHalfAWideCharacterBlanksTheOtherHalf() {
        var b = Buffer(width: 6, height: 1)
        b.setString("中文", x: 0, y: 0)
        b.setString("x", x: 1, y: 0) // second half of 中
        #expect(b.lines() == [" x文  "])
        b.setString("y", x: 2, y: 0) // first half of 文
        #expect(b.lines() == [" xy   "])
        #expect(!b[3, 0].isContinuation)
        var c = Buffer(width: 6, height: 1)
        c.setString("ab中", x: 0, y: 0)
        c.setString("日", x: 1, y: 0) // covers b and the first half of 中
        #expect(c.lines() == ["a日   "])
    }

    @Test func controlCharactersNeverEnterTheBuffer() {
        var b = Buffer(width: 12, height: 1)
        let used = b.setString("a\u{1B}[31mb\u{7}\tc\n", x: 0, y: 0)
        #expect(b.lines() == ["a\u{FFFD}[31mb\u{FFFD} c\u{FFFD} "])
        #expect(used == 11)
        for cell in b.cells { #expect(!DisplayWidth.isControl(cell.character)) }
    }

    @Test func zeroWidthClustersAreDropped() {
        var b = Buffer(width: 4, height: 1)
        #expect(b.setString("\u{200D}\u{301}ab", x: 0, y: 0) == 2)
        #expect(b.lines() == ["ab  "])
    }

    @Test func styleIsLaidOverTheCell() {
        var b = Buffer(width: 4, height: 1)
        b.clear(b.area, style: Style(background: .blue))
        b.setString("ab", x: 0, y: 0, style: Style(foreground: .yellow, attributes: [.bold]))
        #expect(b[0, 0].style == Style(foreground: .yellow, background: .blue, attributes: [.bold]))
        #expect(b[3, 0].style == Style(background: .blue))
        b.setStyle(Style(attributes: [.underline]), in: Rect(x: 1, y: 0, width: 2, height: 1))
        #expect(b[1, 0].style.attributes == [.bold, .underline])
        #expect(b[2, 0].style.attributes == [.underline])
    }

    @Test func styledTextDump() {
        var b = Buffer(width: 8, height: 2)
        b.setString("ok", x: 0, y: 0, style: Style(foreground: .green, attributes: [.bold]))
        b.setString("中", x: 3, y: 0, style: Style(foreground: .rgb(0x12, 0xab, 0xff)))
        b.setString("plain", x: 0, y: 1)
        #expect(b.styledText() == "[ok]{fg=green bold} [中]{fg=#12abff}\nplain")
    }

    @Test func fillAndClearRepairWideCharactersAtTheEdges() {
        var b = Buffer(width: 6, height: 1)
        b.setString("中文字", x: 0, y: 0)
        b.clear(Rect(x: 1, y: 0, width: 2, height: 1)) // halves of 中 and 文
        #expect(b.lines() == ["    字"])
        var c = Buffer(width: 6, height: 1)
        c.setString("中文字", x: 0, y: 0)
        c.fill(Rect(x: 2, y: 0, width: 1, height: 1), with: Cell("x"))
        #expect(c.lines() == ["中x 字"])
    }

    @Test func resizeKeepsWhatFits() {
        var b = Buffer(width: 6, height: 2)
        b.setString("abc中", x: 0, y: 0)
        b.setString("second", x: 0, y: 1)
        b.resize(width: 4, height: 1)
        #expect(b.lines() == ["abc "])
        b.resize(width: 5, height: 2)
        #expect(b.lines() == ["abc  ", "     "])
    }

    @Test func rectSplitAndCentre() {
        let r = Rect(x: 0, y: 0, width: 20, height: 10)
        #expect(
            r.split(.vertical, [.length(1), .fill(1), .length(3)]) == [
                Rect(x: 0, y: 0, width: 20, height: 1), Rect(x: 0, y: 1, width: 20, height: 6),
                Rect(x: 0, y: 7, width: 20, height: 3),
            ])
        #expect(r.split(.horizontal, [.percentage(25), .fill(1), .fill(1)]).map(\.width) == [5, 7, 8])
        #expect(r.split(.vertical, [.length(8), .length(8)]).map(\.height) == [8, 2])
        #expect(r.centered(width: 10, height: 4) == Rect(x: 5, y: 3, width: 10, height: 4))
        #expect(r.centered(width: 30, height: 40) == r)
        #expect(r.inset(by: 1) == Rect(x: 1, y: 1, width: 18, height: 8))
        #expect(Rect(x: 0, y: 0, width: 1, height: 1).inset(by: 1).isEmpty)
        #expect(r.intersection(Rect(x: 15, y: 8, width: 10, height: 10)) == Rect(x: 15, y: 8, width: 5, height: 2))
    }
}
