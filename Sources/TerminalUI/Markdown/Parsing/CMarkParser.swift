import CCmark
import Foundation

/// Parses Markdown with cmark-gfm into ``MarkdownBlock`` values; the only place that touches
/// cmark.
///
/// - GitHub extensions attached: table, strikethrough, autolink, tasklist. Raw HTML is not
///   passed through (`CMARK_OPT_UNSAFE` is off); the renderer shows it as literal text.
///   Strikethrough takes two tildes (`~~gone~~`): replies write `~5 min` for "about".
/// - Every string taken from the tree is sanitised with ``TextSanitizer``: model output is
///   untrusted and must not reach the terminal as escape sequences. Code blocks keep their code
///   as written (for copying); the layout sanitises what it draws.
/// - Nodes nested deeper than ``maxDepth`` are flattened to their text, so hostile input
///   (ten thousand `>`) cannot exhaust the stack; a line opening more than
///   ``maxMarkersPerLine`` containers has the rest escaped first, as cmark slows down with depth.
/// - Parses are serialised: cmark-gfm toggles process-wide tables of special characters
///   during every parse (`cmark_manage_extensions_special_characters`), so two parses on two
///   threads would corrupt each other.
enum CMarkParser {
    /// Containers and inlines deeper than this are drawn as plain text.
    static let maxDepth = 32

    private static let lock = NSLock()

    /// The blocks of the document (empty when cmark cannot allocate a parser).
    static func parse(_ bytes: some Collection<UInt8>) -> [MarkdownBlock] {
        var buffer = ContiguousArray(bytes)
        if let limited = limitingNesting(buffer) { buffer = limited }
        lock.lock()
        defer { lock.unlock() }
        cmark_gfm_core_extensions_ensure_registered()
        guard let parser = cmark_parser_new(CMARK_OPT_STRIKETHROUGH_DOUBLE_TILDE) else { return [] }
        defer { cmark_parser_free(parser) }
        for name in ["table", "strikethrough", "autolink", "tasklist"] {
            if let extensionPointer = cmark_find_syntax_extension(name) {
                cmark_parser_attach_syntax_extension(parser, extensionPointer)
            }
        }
        buffer.withUnsafeBufferPointer { raw in
            raw.withMemoryRebound(to: CChar.self) { chars in
                if let base = chars.baseAddress { cmark_parser_feed(parser, base, chars.count) }
            }
        }
        guard let document = cmark_parser_finish(parser) else { return [] }
        defer { cmark_node_free(document) }
        return blocks(childrenOf: document, depth: 0)
    }

    // MARK: - Blocks

    private static func blocks(childrenOf node: OpaquePointer, depth: Int) -> [MarkdownBlock] {
        children(of: node).compactMap { block($0, depth: depth) }
    }

    private static func block(_ node: OpaquePointer, depth: Int) -> MarkdownBlock? {
        if depth >= maxDepth {
            return .paragraph([.text(sanitized(flatText(node), keepNewlines: false))])
        }
        switch cmark_node_get_type(node) {
        case CMARK_NODE_PARAGRAPH:
            return .paragraph(inlines(childrenOf: node, depth: depth + 1))
        case CMARK_NODE_HEADING:
            let level = min(6, max(1, Int(cmark_node_get_heading_level(node))))
            return .heading(level: level, inlines(childrenOf: node, depth: depth + 1))
        case CMARK_NODE_CODE_BLOCK:
            let info = string(cmark_node_get_fence_info(node))
            let language = info.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init)
            var code = string(cmark_node_get_literal(node))
            if code.hasSuffix("\n") { code.removeLast() }
            return .codeBlock(language: language.map { sanitized($0, keepNewlines: false) }, code: code)
        case CMARK_NODE_HTML_BLOCK:
            var html = string(cmark_node_get_literal(node))
            while html.hasSuffix("\n") { html.removeLast() }
            return .htmlBlock(sanitized(html, keepNewlines: true))
        case CMARK_NODE_BLOCK_QUOTE:
            return .blockQuote(blocks(childrenOf: node, depth: depth + 1))
        case CMARK_NODE_LIST:
            return .list(list(node, depth: depth))
        case CMARK_NODE_THEMATIC_BREAK:
            return .thematicBreak
        default:
            if typeString(node) == "table" { return .table(table(node, depth: depth)) }
            // A custom block or anything newer than this renderer: its text, plainly.
            let text = flatText(node)
            return text.isEmpty ? nil : .paragraph([.text(sanitized(text, keepNewlines: false))])
        }
    }

    private static func list(_ node: OpaquePointer, depth: Int) -> MarkdownList {
        let kind: MarkdownList.Kind
        if cmark_node_get_list_type(node) == CMARK_ORDERED_LIST {
            let delimiter: Character = cmark_node_get_list_delim(node) == CMARK_PAREN_DELIM ? ")" : "."
            kind = .ordered(start: Int(cmark_node_get_list_start(node)), delimiter: delimiter)
        } else {
            kind = .bullet
        }
        let items = children(of: node).map { item in
            let task: Bool? =
                typeString(item) == "tasklist" ? cmark_gfm_extensions_get_tasklist_item_checked(item) : nil
            return MarkdownList.Item(task: task, blocks: blocks(childrenOf: item, depth: depth + 2))
        }
        return MarkdownList(kind: kind, tight: cmark_node_get_list_tight(node) != 0, items: items)
    }

    private static func table(_ node: OpaquePointer, depth: Int) -> MarkdownTable {
        let columns = Int(cmark_gfm_extensions_get_table_columns(node))
        var alignments: [MarkdownTable.Alignment] = []
        if let raw = cmark_gfm_extensions_get_table_alignments(node) {
            alignments = (0..<columns).map { i in
                switch raw[i] {
                case UInt8(ascii: "c"): .center
                case UInt8(ascii: "r"): .right
                default: .left
                }
            }
        }
        var header: MarkdownTable.Row = []
        var rows: [MarkdownTable.Row] = []
        for rowNode in children(of: node) {
            let cells = children(of: rowNode).map { inlines(childrenOf: $0, depth: depth + 2) }
            if cmark_gfm_extensions_get_table_row_is_header(rowNode) != 0 { header = cells } else { rows.append(cells) }
        }
        return MarkdownTable(alignments: alignments, header: header, rows: rows)
    }

    // MARK: - Inlines

    private static func inlines(childrenOf node: OpaquePointer, depth: Int) -> [MarkdownInline] {
        children(of: node).compactMap { inline($0, depth: depth) }
    }

    private static func inline(_ node: OpaquePointer, depth: Int) -> MarkdownInline? {
        if depth >= maxDepth { return .text(sanitized(flatText(node), keepNewlines: false)) }
        switch cmark_node_get_type(node) {
        case CMARK_NODE_TEXT:
            return .text(sanitized(string(cmark_node_get_literal(node)), keepNewlines: false))
        case CMARK_NODE_CODE:
            return .code(sanitized(string(cmark_node_get_literal(node)), keepNewlines: false))
        case CMARK_NODE_HTML_INLINE:
            return .html(sanitized(string(cmark_node_get_literal(node)), keepNewlines: false))
        case CMARK_NODE_SOFTBREAK:
            return .softBreak
        case CMARK_NODE_LINEBREAK:
            return .lineBreak
        case CMARK_NODE_EMPH:
            return .emphasis(inlines(childrenOf: node, depth: depth + 1))
        case CMARK_NODE_STRONG:
            return .strong(inlines(childrenOf: node, depth: depth + 1))
        case CMARK_NODE_LINK:
            return .link(
                url: sanitized(string(cmark_node_get_url(node)), keepNewlines: false),
                inlines(childrenOf: node, depth: depth + 1))
        case CMARK_NODE_IMAGE:
            return .image(
                url: sanitized(string(cmark_node_get_url(node)), keepNewlines: false),
                inlines(childrenOf: node, depth: depth + 1))
        default:
            if typeString(node) == "strikethrough" {
                return .strikethrough(inlines(childrenOf: node, depth: depth + 1))
            }
            let text = flatText(node)
            return text.isEmpty ? nil : .text(sanitized(text, keepNewlines: false))
        }
    }

    // MARK: - Helpers

    private static func children(of node: OpaquePointer) -> [OpaquePointer] {
        var result: [OpaquePointer] = []
        var child = cmark_node_first_child(node)
        while let current = child {
            result.append(current)
            child = cmark_node_next(current)
        }
        return result
    }

    /// The literal text of every node under `node`, walked without recursion; line breaks
    /// between blocks become spaces.
    private static func flatText(_ node: OpaquePointer) -> String {
        guard let iterator = cmark_iter_new(node) else { return "" }
        defer { cmark_iter_free(iterator) }
        var text = ""
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            guard event == CMARK_EVENT_ENTER, let current = cmark_iter_get_node(iterator) else { continue }
            if let literal = cmark_node_get_literal(current) {
                if !text.isEmpty, !text.hasSuffix(" ") { text += " " }
                text += String(cString: literal)
            }
        }
        return text
    }

    private static func typeString(_ node: OpaquePointer) -> String {
        string(cmark_node_get_type_string(node))
    }

    private static func string(_ pointer: UnsafePointer<CChar>?) -> String {
        pointer.map { String(cString: $0) } ?? ""
    }

    private static func sanitized(_ text: String, keepNewlines: Bool) -> String {
        TextSanitizer.sanitize(text, tabWidth: 4, keepNewlines: keepNewlines)
    }
}
