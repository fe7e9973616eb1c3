/// Tables: columns aligned by display width, or, when that is wider than the space, one block
/// per row of `header: value` lines.
extension MarkdownLayout {
    static let columnSeparator = " │ "
    static let headerSeparator = "─┼─"

    mutating func tableRows(_ table: MarkdownTable, width: Int, style: Style) -> [Row] {
        let columns = table.columnCount
        guard columns > 0 else { return [] }
        let headerStyle = style.patched(with: styles.tableHeader)
        func cells(_ row: MarkdownTable.Row, style: Style) -> [Line] {
            (0..<columns).map { column in
                guard column < row.count else { return Line() }
                // A cell is one line: a break inside one (there are none in GFM) becomes a space.
                let line = self.line(for: row[column], style: style)
                return Line(line.spans.map { Span($0.text.replacing("\n", with: " "), style: $0.style) })
            }
        }
        let header = cells(table.header, style: headerStyle)
        let body = table.rows.map { cells($0, style: style) }
        let widths = (0..<columns).map { column in
            max(1, ([header] + body).map { $0[column].width }.max() ?? 0)
        }
        let separatorWidth = Self.columnSeparator.displayWidth
        if widths.reduce(0, +) + separatorWidth * (columns - 1) <= width {
            return alignedRows(header: header, body: body, widths: widths, alignments: table.alignments, style: style)
        }
        return stackedRows(header: header, body: body, width: width, style: style)
    }

    private func alignedRows(
        header: [Line], body: [[Line]], widths: [Int], alignments: [MarkdownTable.Alignment], style: Style
    ) -> [Row] {
        let borderStyle = style.patched(with: styles.tableBorder)
        func row(_ cells: [Line]) -> Row {
            var spans: [Span] = []
            for (column, cell) in cells.enumerated() {
                if column > 0 { spans.append(Span(Self.columnSeparator, style: borderStyle)) }
                let missing = widths[column] - cell.width
                let alignment = column < alignments.count ? alignments[column] : .left
                let left = alignment == .right ? missing : alignment == .center ? missing / 2 : 0
                let isLast = column == cells.count - 1
                spans.append(Span(String(repeating: " ", count: left), style: style))
                spans += cell.spans
                if !isLast { spans.append(Span(String(repeating: " ", count: missing - left), style: style)) }
            }
            return Row(line: Line(trimmingTrailingSpaces(spans)).merged())
        }
        let rule = widths.map { String(repeating: "─", count: $0) }.joined(separator: Self.headerSeparator)
        return [row(header), Row(line: Line(rule, style: borderStyle))] + body.map(row)
    }

    /// One block per body row, `header: value` per cell, wrapped; a blank row between blocks.
    /// A table without body rows shows its header cells one per row.
    private func stackedRows(header: [Line], body: [[Line]], width: Int, style: Style) -> [Row] {
        if body.isEmpty { return header.flatMap { wrapped($0, width: width) } }
        var result: [Row] = []
        for cells in body {
            if !result.isEmpty { result.append(Row(line: Line())) }
            for (label, cell) in zip(header, cells) {
                var line = label
                if !label.isEmpty {
                    line.append(":", style: label.spans.last?.style ?? style)
                    line.append(" ", style: style)
                }
                line.spans += cell.spans
                result += wrapped(line, width: width)
            }
        }
        return result
    }
}
