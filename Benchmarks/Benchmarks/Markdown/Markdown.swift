import Benchmark
import TerminalUI

// Streaming Markdown (issue 7): the cost of one more ~20-byte delta must stay flat as the reply
// grows from 1 KB to 200 KB. Measured: appending the delta to a StreamingMarkdown, getting the
// lines at width 100, and reading the bottom screenful (what the transcript does while it
// follows a streaming reply). The reply is a generated technical answer (headings, paragraphs,
// lists, code blocks, tables, quotes), streamed in outside the measurement; every 50 deltas
// (1 KB) the stream is rebuilt at its starting size, also outside the measurement, so the
// sizes stay near their labels.

let benchmarks: @Sendable () -> Void = {
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal],
        timeUnits: .microseconds, maxDuration: .seconds(5), maxIterations: 2_000)

    for (label, size) in [("1 KB", 1_000), ("200 KB", 200_000)] {
        let reply = ReplyStream(size: size)
        Benchmark("append one delta + lines, reply at \(label)", configuration: configuration) { benchmark in
            reply.prepare()
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                blackHole(reply.appendAndRead())
            }
            benchmark.stopMeasurement()
        }
    }
}

/// A reply streamed so far, and the deltas that continue it; built on first use.
final class ReplyStream {
    static let width = 100
    static let screen = 30
    static let deltasPerReset = 50

    let size: Int
    let renderer = MarkdownRenderer(theme: SampleReply.theme, baseStyle: Style(foreground: .white))
    lazy var start = SampleReply.make(bytes: size)
    lazy var deltas = SampleReply.pieces(of: SampleReply.make(bytes: 4_000, firstSection: 99), bytes: 20)
    var stream: StreamingMarkdown?
    var sent = 0

    init(size: Int) {
        self.size = size
    }

    /// Streams the starting text in (laid out once), unless the stream has it plus fewer than
    /// `deltasPerReset` deltas.
    func prepare() {
        guard stream == nil || sent >= Self.deltasPerReset else { return }
        var fresh = StreamingMarkdown(renderer: renderer, text: start)
        blackHole(fresh.lines(width: Self.width).count)
        stream = fresh
        sent = 0
    }

    /// The measured work: one delta in, the lines out, the bottom screenful read.
    func appendAndRead() -> Int {
        guard var current = stream.take() else { return 0 }
        current.append(deltas[sent % deltas.count])
        sent += 1
        let lines = current.lines(width: Self.width)
        var spans = 0
        for line in lines.suffix(Self.screen) { spans += line.spans.count }
        stream = current
        return spans
    }
}

/// A generated technical reply of a given size, the same every run.
enum SampleReply {
    static let theme = Theme(styles: [
        "markdown.heading": Style(attributes: .bold),
        "markdown.strong": Style(attributes: .bold),
        "markdown.emphasis": Style(attributes: .italic),
        "markdown.code": Style(foreground: .yellow),
        "markdown.codeblock": Style(background: .indexed(236)),
        "markdown.link": Style(foreground: .blue, attributes: .underline),
        "markdown.quote.bar": Style(foreground: .gray),
        "syntax.keyword": Style(foreground: .magenta),
        "syntax.string": Style(foreground: .green),
        "syntax.comment": Style(foreground: .gray),
        "syntax.number": Style(foreground: .yellow),
        "syntax.type": Style(foreground: .cyan),
    ])

    /// Sections of the reply, numbered from `firstSection`, until there are `bytes` bytes.
    static func make(bytes: Int, firstSection: Int = 0) -> String {
        var text = ""
        var number = firstSection
        while text.utf8.count < bytes {
            text += section(number)
            number += 1
        }
        return text
    }

    private static func section(_ n: Int) -> String {
        """
        ## Part \(n): the **cache** and its _invalidation_

        When the reply grows, each `delta` is appended to the open block; blocks before it are \
        complete and their lines are kept. See [the notes](https://example.com/notes/\(n)) for \
        why a blank line followed by text at the margin closes a block, and why 中文 text wraps \
        anywhere.

        1. Parse only the open chunk (item \(n)).
        2. Keep the rendered lines of the others.
           - nested detail with `code`
        3. Lay out again when the width changes.

        ```swift
        func render\(n)(_ text: String, width: Int) -> [Line] {
            // wrap by display width
            let limit = \(n * 7 + 3)
            return text.split(separator: "\\n").map { Line(String($0.prefix(limit))) }
        }
        ```

        | Size | Chunks | Time |
        |-----:|-------:|:-----|
        | \(n) KB | \(n * 3) | flat |
        | \(n + 1) KB | \(n * 3 + 3) | flat |

        > Streaming stays smooth however long the reply gets (\(n)).


        """
    }

    /// The text in pieces of `bytes` UTF-8 bytes or a little more, never inside a character.
    static func pieces(of text: String, bytes: Int) -> [String] {
        var pieces: [String] = []
        var current = ""
        for character in text {
            current.append(character)
            if current.utf8.count >= bytes {
                pieces.append(current)
                current = ""
            }
        }
        return current.isEmpty ? pieces : pieces + [current]
    }
}
