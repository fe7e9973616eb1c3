import Commands
import Safety
import Synchronization
import Testing

@Suite("The one console every command writes through")
struct StandardConsoleTests {
    final class Sink: Sendable {
        let out = Mutex(""), err = Mutex("")
    }

    func console(tty: Bool, sink: Sink) -> StandardConsole {
        StandardConsole(
            outIsTerminal: tty, errIsTerminal: tty,
            writeOut: { text in sink.out.withLock { $0 += text } },
            writeErr: { text in sink.err.withLock { $0 += text } })
    }

    static let key = "sk-ant-api03-Cq7Lw2Rt9Yp4Kx8Mv3Nb6Hj1Gf5Ds0Az-Ue_Io4Pq8Wr2Ty6Ui9Op3As7Df1Gh5Jk-ZZabcd"

    @Test func aKeySplitAcrossStreamedChunksIsStillMasked() {
        Redactor.shared.register(Self.key)
        let sink = Sink()
        let c = console(tty: false, sink: sink)
        let text = "The model echoed \(Self.key.dropFirst(7)) back.\n"
        // Every split of the text into chunks of 5 characters.
        var rest = Substring(text)
        while !rest.isEmpty {
            c.out(String(rest.prefix(5)))
            rest = rest.dropFirst(5)
        }
        c.flush()
        let out = sink.out.withLock { $0 }
        let chars = Array(Self.key)
        for start in 0...(chars.count - 12) {
            #expect(!out.contains(String(chars[start..<(start + 12)])), "piece at \(start) reached stdout: \(out)")
        }
        #expect(out.hasPrefix("The model echoed ") && out.hasSuffix(" back.\n"))
    }

    @Test func ordinaryStreamingIsNotHeldBackAtLineEnds() {
        let sink = Sink()
        let c = console(tty: false, sink: sink)
        c.out("Hello, world.\n")
        #expect(sink.out.withLock { $0 } == "Hello, world.\n")
    }

    @Test func standardOutputIsSanitisedOnlyOnATerminal() {
        let payload = "id \u{1B}]52;c;ZXZpbA==\u{07}\u{1B}[2J done\n"
        let tty = Sink()
        let pipe = Sink()
        console(tty: true, sink: tty).out(payload)
        console(tty: false, sink: pipe).out(payload)
        #expect(tty.out.withLock { $0 } == "id  done\n")
        #expect(pipe.out.withLock { $0 } == payload) // a pipe gets the bytes as they came
    }

    @Test func standardErrorIsAlwaysSanitisedAndRedacted() {
        Redactor.shared.register(Self.key)
        let sink = Sink()
        console(tty: false, sink: sink).err(
            "error: \u{1B}]0;owned\u{07}bad key \(Self.key.dropFirst(10).prefix(30)) \u{202E}gnp.exe\n")
        let err = sink.err.withLock { $0 }
        #expect(!err.contains("\u{1B}") && !err.contains("owned"))
        #expect(!err.contains(String(Self.key.dropFirst(10).prefix(12))))
        #expect(err.contains("<U+202E>gnp.exe"))
    }
}
