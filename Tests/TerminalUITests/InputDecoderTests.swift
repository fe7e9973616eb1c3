import Testing

@testable import TerminalUI

/// Feeds byte chunks and collects events, flushing at the end as the escape delay would.
private func decode(_ chunks: [[UInt8]], flush: Bool = true) -> [InputEvent] {
    var d = InputDecoder()
    var events: [InputEvent] = []
    for chunk in chunks { events += d.feed(chunk) }
    if flush { events += d.flushPending() }
    return events
}

private func decode(_ text: String) -> [InputEvent] { decode([Array(text.utf8)]) }
private func key(_ k: Key, _ m: KeyModifiers = []) -> InputEvent { .key(KeyEvent(k, m)) }
private func keys(_ text: String) -> [InputEvent] { text.map { .key(.char($0)) } }

@Suite struct InputDecoderTests {
    @Test(
        arguments: [
            // Printable and control keys.
            ("a", key(.character("a"))), ("Z", key(.character("Z"))), (" ", key(.character(" "))),
            ("\r", key(.enter)), ("\n", key(.character("j"), .control)), ("\t", key(.tab)),
            ("\u{7F}", key(.backspace)), ("\u{8}", key(.backspace)), ("\u{0}", key(.character(" "), .control)),
            ("\u{1}", key(.character("a"), .control)), ("\u{E}", key(.character("n"), .control)),
            ("\u{11}", key(.character("q"), .control)), ("\u{12}", key(.character("r"), .control)),
            ("\u{6}", key(.character("f"), .control)), ("\u{17}", key(.character("w"), .control)),
            ("\u{1C}", key(.character("\\"), .control)), ("\u{1F}", key(.character("_"), .control)),
            // Esc and Alt.
            ("\u{1B}", key(.escape)), ("\u{1B}x", key(.character("x"), .alt)), ("\u{1B}X", key(.character("X"), .alt)),
            ("\u{1B}\r", key(.enter, .alt)), ("\u{1B}\u{7F}", key(.backspace, .alt)),
            ("\u{1B}\u{11}", key(.character("q"), [.control, .alt])),
            ("\u{1B}é", key(.character("é"), .alt)), ("\u{1B}[", key(.character("["), .alt)),
            ("\u{1B}O", key(.character("O"), .alt)),
            // Arrows, xterm and SS3 forms, with modifiers.
            ("\u{1B}[A", key(.up)), ("\u{1B}[B", key(.down)), ("\u{1B}[C", key(.right)), ("\u{1B}[D", key(.left)),
            ("\u{1B}OA", key(.up)), ("\u{1B}OD", key(.left)),
            ("\u{1B}[1;5C", key(.right, .control)), ("\u{1B}[1;3D", key(.left, .alt)),
            ("\u{1B}[1;2A", key(.up, .shift)),
            ("\u{1B}[1;6B", key(.down, [.shift, .control])), ("\u{1B}[1;9A", key(.up, .alt)),
            ("\u{1B}\u{1B}[A", key(.up, .alt)),
            // Home/End, Insert/Delete, PgUp/PgDn in their several spellings.
            ("\u{1B}[H", key(.home)), ("\u{1B}[F", key(.end)), ("\u{1B}OH", key(.home)), ("\u{1B}OF", key(.end)),
            ("\u{1B}[1~", key(.home)), ("\u{1B}[7~", key(.home)), ("\u{1B}[4~", key(.end)), ("\u{1B}[8~", key(.end)),
            ("\u{1B}[1;5H", key(.home, .control)), ("\u{1B}[1;5F", key(.end, .control)),
            ("\u{1B}[2~", key(.insert)), ("\u{1B}[3~", key(.delete)), ("\u{1B}[3;5~", key(.delete, .control)),
            ("\u{1B}[5~", key(.pageUp)), ("\u{1B}[6~", key(.pageDown)), ("\u{1B}[5;2~", key(.pageUp, .shift)),
            ("\u{1B}[Z", key(.tab, .shift)),
            // Function keys.
            ("\u{1B}OP", key(.function(1))), ("\u{1B}OQ", key(.function(2))), ("\u{1B}OR", key(.function(3))),
            ("\u{1B}OS", key(.function(4))),
            ("\u{1B}[11~", key(.function(1))), ("\u{1B}[15~", key(.function(5))), ("\u{1B}[17~", key(.function(6))),
            ("\u{1B}[18~", key(.function(7))), ("\u{1B}[19~", key(.function(8))), ("\u{1B}[20~", key(.function(9))),
            ("\u{1B}[21~", key(.function(10))), ("\u{1B}[23~", key(.function(11))), ("\u{1B}[24~", key(.function(12))),
            ("\u{1B}[1;2P", key(.function(1), .shift)), ("\u{1B}[15;5~", key(.function(5), .control)),
            ("\u{1B}[[A", key(.function(1))),
            ("\u{1B}[[E", key(.function(5))),
            // Extended key reports.
            ("\u{1B}[13;3u", key(.enter, .alt)), ("\u{1B}[13;2u", key(.enter, .shift)),
            ("\u{1B}[106;5u", key(.character("j"), .control)),
            ("\u{1B}[27;5;13~", key(.enter, .control)), ("\u{1B}[27u", key(.escape)),
        ] as [(String, InputEvent)])
    func singleKey(_ bytes: String, _ expected: InputEvent) {
        #expect(decode(bytes) == [expected], "\(Array(bytes.utf8))")
    }

    @Test func textBecomesCharacterKeys() {
        #expect(decode("hi!") == keys("hi!"))
        #expect(decode("日本") == keys("日本"))
        #expect(decode("👨‍👩‍👧") == [key(.character("👨‍👩‍👧"))])
        #expect(decode("e\u{301}") == [key(.character("e\u{301}"))])
    }

    @Test func utf8SplitAcrossReads() {
        let bytes = Array("中😀".utf8) // 3 + 4 bytes
        for cut in 1..<bytes.count {
            #expect(decode([Array(bytes[..<cut]), Array(bytes[cut...])], flush: false) == keys("中😀"), "cut at \(cut)")
        }
        var d = InputDecoder()
        #expect(d.feed([0xE4, 0xB8]).isEmpty)
        #expect(d.isWaitingForMore)
        #expect(d.feed([0xAD]) == keys("中"))
        #expect(!d.isWaitingForMore)
        // A sequence cut off for good becomes U+FFFD after the delay.
        #expect(d.feed([0x61, 0xE4]) == keys("a"))
        #expect(d.flushPending() == [key(.character("\u{FFFD}"))])
    }

    @Test func escapeSequencesSplitAcrossReads() {
        let bytes = Array("\u{1B}[1;5Cx".utf8)
        for cut in 1..<bytes.count {
            #expect(
                decode([Array(bytes[..<cut]), Array(bytes[cut...])], flush: false) == [
                    key(.right, .control), key(.character("x")),
                ], "cut at \(cut)")
        }
    }

    @Test func escAloneWaitsForTheDelayAltDoesNot() {
        var d = InputDecoder()
        #expect(d.feed([0x1B]).isEmpty)
        #expect(d.isWaitingForMore)
        #expect(d.flushPending() == [key(.escape)])
        #expect(!d.isWaitingForMore)
        #expect(d.feed([0x1B, 0x78]) == [key(.character("x"), .alt)])
        #expect(!d.isWaitingForMore)
        // Esc then a key after the delay: two events.
        #expect(d.feed([0x1B]).isEmpty)
        #expect(d.flushPending() == [key(.escape)])
        #expect(d.feed([0x78]) == [key(.character("x"))])
        // Esc Esc.
        #expect(decode("\u{1B}\u{1B}") == [key(.escape), key(.escape)])
        #expect(decode("\u{1B}\u{1B}x") == [key(.escape), key(.character("x"), .alt)])
    }

    @Test func bracketedPasteIsOneEventAndNotKeys() {
        // Escape sequences, a control character and an almost-end marker inside the paste.
        let content = "line one\r\nline \u{1B}[A two\rthree\u{3}\u{1B}[201x \u{1B}[200~tail"
        let events = decode("a\u{1B}[200~\(content)\u{1B}[201~b")
        #expect(
            events == [
                key(.character("a")), .paste("line one\nline \u{1B}[A two\nthree\u{3}\u{1B}[201x \u{1B}[200~tail"),
                key(.character("b")),
            ])
    }

    @Test func pasteSplitAcrossChunksAtEveryPoint() {
        let text = "x\u{1B}[200~héllo 中\r\n\u{1B}OA\u{1B}[201~y"
        let bytes = Array(text.utf8)
        let expected: [InputEvent] = [key(.character("x")), .paste("héllo 中\n\u{1B}OA"), key(.character("y"))]
        for cut in 1..<bytes.count {
            #expect(decode([Array(bytes[..<cut]), Array(bytes[cut...])], flush: false) == expected, "cut at \(cut)")
        }
        // One byte at a time.
        #expect(decode(bytes.map { [$0] }, flush: false) == expected)
    }

    @Test func largePasteArrivesWhole() {
        let body = String(repeating: "0123456789abcdef\n", count: 65536) // about 1 MiB
        var d = InputDecoder()
        var events = d.feed(Array("\u{1B}[200~".utf8))
        let bytes = Array(body.utf8)
        var i = 0
        while i < bytes.count {
            events += d.feed(bytes[i..<min(bytes.count, i + 4093)])
            #expect(events.isEmpty)
            #expect(d.isInPaste)
            i += 4093
        }
        #expect(d.flushPending().isEmpty) // no timeout inside a paste
        events += d.feed(Array("\u{1B}[201~".utf8))
        #expect(events == [.paste(body)])
        #expect(!d.isInPaste)
    }

    @Test func mouseReports() {
        #expect(decode("\u{1B}[<64;10;5M") == [.mouse(MouseEvent(.scrollUp, x: 9, y: 4))])
        #expect(decode("\u{1B}[<65;1;1M") == [.mouse(MouseEvent(.scrollDown, x: 0, y: 0))])
        #expect(
            decode("\u{1B}[<0;3;4M\u{1B}[<0;3;4m") == [
                .mouse(MouseEvent(.press(.left), x: 2, y: 3)), .mouse(MouseEvent(.release, x: 2, y: 3)),
            ])
        #expect(decode("\u{1B}[<32;5;5M") == [.mouse(MouseEvent(.drag(.left), x: 4, y: 4))])
        #expect(decode("\u{1B}[<80;2;2M") == [.mouse(MouseEvent(.scrollUp, x: 1, y: 1, modifiers: .control))])
        #expect(decode([[0x1B, 0x5B, 0x4D, 32 + 65, 33 + 7, 33 + 2]]) == [.mouse(MouseEvent(.scrollDown, x: 7, y: 2))])
    }

    @Test func unknownSequencesAreDroppedWhole() {
        #expect(decode("a\u{1B}[?1;2cb") == keys("ab"))
        #expect(decode("a\u{1B}[99xb") == keys("ab"))
        #expect(decode("\u{1B}[I\u{1B}[O") == [])
        #expect(decode("\u{1B}[12;\u{1B}[A") == [key(.up)]) // broken sequence, then a good one
    }

    @Test func keyDescriptions() {
        #expect(KeyEvent.ctrl("q").description == "Ctrl+Q")
        #expect(KeyEvent(.enter, .alt).description == "Alt+Enter")
        #expect(KeyEvent(.tab, .shift).description == "Shift+Tab")
        #expect(KeyEvent(.function(1)).description == "F1")
        #expect(KeyEvent.char("?").description == "?")
        #expect(KeyEvent(.pageUp).description == "PgUp")
    }

    /// A key code naming a control (C1, DEL, a line separator) is dropped, never typed: found
    /// by the input fuzz target (Tests/Fuzz/Crashes/input).
    @Test(arguments: [
        "\u{1B}[133u", "\u{1B}[155;1u", "\u{1B}[8232u", "\u{1B}[8233;2u", "\u{1B}[27;1;133~", "\u{1B}[27;5;159~",
    ])
    func controlCodesAreNotKeys(_ sequence: String) {
        #expect(decode(sequence + "x") == keys("x"))
    }

    @Test func printableCodesAreStillKeys() {
        #expect(decode("\u{1B}[97;5u\u{1B}[233u") == [key(.character("a"), .control), key(.character("é"))])
    }
}
