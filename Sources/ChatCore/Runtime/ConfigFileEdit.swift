import Foundation

/// Changes one top-level string setting of `config.toml` in place, leaving every other line as
/// it was (comments, order, tables): the chat keeps the theme chosen with F6 this way.
public enum ConfigFileEdit {
    /// `text` with the top-level `key = "value"`: the line that sets it now is replaced; without
    /// one, the setting goes before the first table header (or at the end).
    public static func setting(_ key: String, to value: String, in text: String) -> String {
        var lines = text.components(separatedBy: "\n")
        let assignment = "\(key) = \(quoted(value))"
        var insertAt: Int?
        var inMultiline = false
        for (i, line) in lines.enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            let wasInMultiline = inMultiline
            if trimmed.components(separatedBy: "\"\"\"").count % 2 == 0
                || trimmed.components(separatedBy: "'''").count % 2 == 0
            {
                inMultiline.toggle()
            }
            guard !wasInMultiline else { continue }
            if trimmed.hasPrefix("[") {
                insertAt = i
                break
            }
            if sets(key, trimmed) {
                lines[i] = assignment
                return lines.joined(separator: "\n")
            }
        }
        if let insertAt {
            lines.insert(contentsOf: [assignment, ""], at: insertAt)
        } else if let last = lines.last, last.isEmpty {
            lines.insert(assignment, at: lines.count - 1)
        } else {
            lines.append(assignment)
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }

    /// Writes the setting into the file at `path` (created when missing), atomically and private
    /// (0600); a symbolic link is followed, so the file it points to is the one changed.
    public static func set(_ key: String, to value: String, file path: String) throws(PrivateFile.Failure) {
        let target = (path as NSString).resolvingSymlinksInPath
        var text = ""
        if FileManager.default.fileExists(atPath: target) {
            guard let data = FileManager.default.contents(atPath: target),
                let read = String(data: data, encoding: .utf8)
            else { throw PrivateFile.Failure(description: "cannot read \(target)") }
            text = read
        } else {
            try? Paths.ensureDirectory((target as NSString).deletingLastPathComponent)
        }
        try PrivateFile.write(Array(setting(key, to: value, in: text).utf8), to: target)
    }

    /// Whether the (trimmed) line sets `key`: `key = …`, `key=…`, or the key quoted.
    static func sets(_ key: String, _ line: String) -> Bool {
        for name in [key, "\"\(key)\"", "'\(key)'"] where line.hasPrefix(name) {
            let rest = line.dropFirst(name.count).drop { $0 == " " || $0 == "\t" }
            if rest.first == "=" { return true }
        }
        return false
    }

    /// A TOML basic string.
    static func quoted(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                out += String(format: "\\u%04X", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
