/// Everything wrong with a pasted value at once, and the one-key fix when palaver knows exactly
/// what to remove.
///
/// ``KeyDiagnosis/inspect(_:source:bearer:)`` stops at the first problem that makes a key
/// unusable, which is right for a key source but shows a person one problem at a time: a value
/// copied as `export ANTHROPIC_API_KEY="sk-ant-…" ` has a shell prefix, quotes and a trailing
/// space. `KeyRepair` peels the wrapping a copy adds (whitespace, quotes, `Bearer `,
/// `export NAME=`, `NAME=`) one layer at a time, inspecting again after each, so every problem is
/// found, each listed once, and the value that remains is offered as the fix.
public struct KeyRepair: Sendable, Equatable {
    /// Every problem found, in the order a reader peels them (each code once).
    public var problems: [KeyProblem]
    /// The value with the wrapping removed, when removing it leaves a usable key (nil when the
    /// value needs no fix, or when what remains still cannot be used).
    public var repaired: String?
    /// What the fix removes, as words for "press f to remove …": "the quotes and \"Bearer \"".
    public var removes: String?

    /// The most layers peeled: a value wrapped deeper than this is left as it is.
    static let maxLayers = 8

    /// Looks at `raw` as typed or pasted into a key field (`source` names it in the messages).
    public init(_ raw: String, source: KeySource = .session) {
        var problems: [KeyProblem] = []
        var removed: [String] = []
        var value = raw
        var inspection = KeyDiagnosis.inspect(value, source: source)
        func note(_ found: [KeyProblem]) {
            for problem in found where !problems.contains(where: { $0.code == problem.code }) {
                problems.append(problem)
            }
        }
        note(inspection.problems)
        for _ in 0..<Self.maxLayers {
            guard let fatal = inspection.fatal, let (next, what) = Self.peel(value, fatal.code) else { break }
            value = next
            if !removed.contains(what) { removed.append(what) }
            inspection = KeyDiagnosis.inspect(value, source: source)
            note(inspection.problems)
        }
        if problems.contains(where: { $0.code == .surroundingWhitespace }) {
            removed.insert("the spaces or line breaks around it", at: 0)
        }
        if let key = inspection.key {
            // A bare `export ` is dropped by the inspection without a problem of its own.
            if key != value.trimmingWhitespaceAndInvisibles(),
                value.trimmingWhitespaceAndInvisibles().hasPrefix("export ")
            {
                removed.append("\"export \"")
            }
            value = key
        }
        self.problems = problems
        let fixed = inspection.isUsable && !removed.isEmpty
        repaired = fixed ? value : nil
        removes = fixed ? Self.list(removed) : nil
    }

    /// True when there is nothing to say about the value.
    public var isClean: Bool { problems.isEmpty }

    /// The value less the wrapping `code` names, and what that removed; nil for problems that are
    /// not wrapping (a stray character inside, a key of the wrong kind).
    static func peel(_ value: String, _ code: KeyProblem.Code) -> (String, String)? {
        let trimmed = value.trimmingWhitespaceAndInvisibles()
        switch code {
        case .surroundingQuotes:
            // The quotes may stand after `export ` (`export "sk-…"`): the shell's word stays for its own layer.
            let shell = trimmed.hasPrefix("export ") ? "export " : ""
            let unquoted =
                shell + KeyDiagnosis.unquoted(String(trimmed.dropFirst(shell.count)).trimmingWhitespaceAndInvisibles())
            return unquoted == trimmed ? nil : (unquoted, "the quotes")
        case .bearerPrefix:
            return (String(trimmed.dropFirst("bearer ".count)), "\"Bearer \"")
        case .variablePrefix:
            var rest = trimmed
            var what = "the \"NAME=\" before it"
            if rest.hasPrefix("export ") {
                rest = String(rest.dropFirst("export ".count)).trimmingWhitespaceAndInvisibles()
                what = "the \"export NAME=\" before it"
            }
            guard let eq = rest.firstIndex(of: "=") else { return nil }
            return (String(rest[rest.index(after: eq)...]), what)
        default:
            return nil
        }
    }

    /// "a", "a and b", "a, b and c".
    private static func list(_ parts: [String]) -> String {
        guard parts.count > 1 else { return parts.first ?? "" }
        return parts.dropLast().joined(separator: ", ") + " and " + parts[parts.count - 1]
    }
}
