import ChatCore
import Foundation
import Safety
import Synchronization

/// Standard output and error, the one way every command writes to them.
///
/// Every byte passes Safety on its way out: text is redacted by value and by pattern
/// (``Secrets/redact(_:)``), and sanitised of control sequences (``UntrustedText``) whenever it
/// goes to a terminal; standard error, which carries only sentences for people, is sanitised
/// always. Writes are unbuffered so a streamed reply appears as it arrives, except that a short
/// tail that could still grow into a piece of a key is held back until the next write or
/// ``flush()`` decides it (a key split across two chunks is still masked).
public final class StandardConsole: CommandOutput {
    public let outIsTerminal: Bool
    public let errIsTerminal: Bool
    private let pending = Mutex(String())
    private let writeOut: @Sendable (String) -> Void
    private let writeErr: @Sendable (String) -> Void

    /// The process's standard output and error.
    public convenience init() {
        self.init(
            outIsTerminal: isatty(STDOUT_FILENO) == 1, errIsTerminal: isatty(STDERR_FILENO) == 1,
            writeOut: { Self.write($0, to: STDOUT_FILENO) }, writeErr: { Self.write($0, to: STDERR_FILENO) })
    }

    /// Any pair of sinks (tests).
    public init(
        outIsTerminal: Bool, errIsTerminal: Bool,
        writeOut: @escaping @Sendable (String) -> Void, writeErr: @escaping @Sendable (String) -> Void
    ) {
        self.outIsTerminal = outIsTerminal
        self.errIsTerminal = errIsTerminal
        self.writeOut = writeOut
        self.writeErr = writeErr
    }

    public func out(_ text: String) {
        let ready: String = pending.withLock { held in
            let all = Secrets.redact(held + text)
            let hold = Redactor.shared.pendingSuffixLength(of: all)
            let cut = all.utf8.index(all.utf8.endIndex, offsetBy: -hold)
            let boundary = Self.characterBoundary(in: all, atOrBefore: cut) // never split a character
            held = String(all[boundary...])
            return String(all[..<boundary])
        }
        emitOut(ready)
    }

    public func err(_ text: String) {
        flush()
        let clean = UntrustedText.sanitize(Secrets.redact(text))
        writeErr(clean)
    }

    /// Writes whatever standard output held back.
    public func flush() {
        let rest = pending.withLock { held in
            defer { held = "" }
            return held
        }
        emitOut(Secrets.redact(rest))
    }

    private func emitOut(_ text: String) {
        guard !text.isEmpty else { return }
        writeOut(outIsTerminal ? UntrustedText.sanitize(text) : text)
    }

    private static func characterBoundary(in text: String, atOrBefore index: String.Index) -> String.Index {
        var i = index
        while i > text.startIndex, i.samePosition(in: text) == nil { i = text.utf8.index(before: i) }
        return i
    }

    /// Writes all of `text` to `fd`, retrying short writes and interruptions.
    static func write(_ text: String, to fd: Int32) {
        var bytes = Array(text.utf8)
        var offset = 0
        bytes.withUnsafeMutableBytes { raw in
            while offset < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n > 0 { offset += n } else if n < 0 && errno == EINTR { continue } else { return }
            }
        }
    }
}
