/// What a highlighted piece of code is; each kind has a theme key for its colour.
public enum SyntaxTokenKind: Int, CaseIterable, Hashable, Sendable {
    case keyword
    case string
    case comment
    case number
    case type
    case function
    case `operator`
    /// A `+` line of a diff.
    case diffAdded
    /// A `-` line of a diff.
    case diffRemoved
    /// A `@@ … @@` hunk header of a diff.
    case diffHunk
    /// A file header of a diff (`diff --git`, `index`, `---`, `+++`).
    case diffHeader

    /// The theme key of the kind's colour: `syntax.keyword` … `syntax.operator`, `diff.added`,
    /// `diff.removed`, `diff.hunk`, `diff.header`.
    public var themeKey: String {
        switch self {
        case .keyword: "syntax.keyword"
        case .string: "syntax.string"
        case .comment: "syntax.comment"
        case .number: "syntax.number"
        case .type: "syntax.type"
        case .function: "syntax.function"
        case .operator: "syntax.operator"
        case .diffAdded: "diff.added"
        case .diffRemoved: "diff.removed"
        case .diffHunk: "diff.hunk"
        case .diffHeader: "diff.header"
        }
    }
}
