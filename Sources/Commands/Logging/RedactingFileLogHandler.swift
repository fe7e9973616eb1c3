import AnthropicAPI
import ChatCore
import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A swift-log handler that appends to `$XDG_STATE_HOME/palaver/palaver.log` (mode 0600) and
/// masks anything key-shaped in every line, message and metadata alike. Logs never go to the
/// terminal, so the full-screen UI is never disturbed by them.
public struct RedactingFileLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let label: String
    private let sink: LogFile

    public init(label: String, file: LogFile, level: Logger.Level = .info) {
        self.label = label
        self.sink = file
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(
        level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?,
        source: String, file: String, function: String, line: UInt
    ) {
        let all = metadata.merging(explicit ?? [:]) { _, new in new }
        var text = "\(LogFile.timestamp()) \(level) [\(label)] \(message)"
        if !all.isEmpty {
            text += " " + all.keys.sorted().map { "\($0)=\(all[$0]!)" }.joined(separator: " ")
        }
        // One line per entry, nothing in it a terminal would obey when the log is `cat`ed.
        sink.append(
            UntrustedText.sanitize(Secrets.redact(text.replacingOccurrences(of: "\n", with: "\\n")), lineBreaks: .space)
                + "\n")
    }
}

/// One append-only log file shared by every handler of the process. The descriptor, opened on
/// the first line, is behind a `Mutex`, so handlers on any thread write whole lines in turn.
public final class LogFile: Sendable {
    public let path: String
    private let fd = Mutex<Int32>(-1)

    public init(path: String) {
        self.path = path
    }

    /// palaver's log under the state directory.
    public convenience init(paths: Paths) {
        self.init(path: paths.stateDirectory + "/palaver.log")
    }

    func append(_ line: String) {
        fd.withLock { fd in
            if fd < 0 {
                try? Paths.ensureDirectory((path as NSString).deletingLastPathComponent)
                fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
                if fd < 0 { return } // logging must never break the program
            }
            var bytes = Array(line.utf8)
            _ = bytes.withUnsafeMutableBytes { write(fd, $0.baseAddress, $0.count) }
        }
    }

    static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date())
    }

    deinit {
        fd.withLock { fd in
            if fd >= 0 { close(fd) }
        }
    }
}

/// Sets up process-wide logging once: every `Logger` writes to the redacting log file.
public enum PalaverLogging {
    public static func bootstrap(paths: Paths, environment: [String: String]) {
        let file = LogFile(paths: paths)
        let level = environment["PALAVER_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        LoggingSystem.bootstrap { label in RedactingFileLogHandler(label: label, file: file, level: level) }
    }
}
