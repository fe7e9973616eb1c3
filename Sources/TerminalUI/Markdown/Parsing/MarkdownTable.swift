/// A GitHub-Flavoured Markdown table: a header row, body rows and column alignments.
struct MarkdownTable: Hashable, Sendable {
    /// How a column's cells are aligned.
    enum Alignment: Hashable, Sendable {
        case left, center, right
    }

    /// One cell per column (rows may have fewer cells than there are columns).
    typealias Row = [[MarkdownInline]]

    var alignments: [Alignment]
    var header: Row
    var rows: [Row]

    /// The number of columns: the most cells of any row, at least the alignments given.
    var columnCount: Int {
        max(alignments.count, ([header] + rows).map(\.count).max() ?? 0)
    }
}
