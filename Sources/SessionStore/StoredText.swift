import Foundation
import GRDB

/// Free text as it goes into and comes out of SQLite without being cut at a NUL.
///
/// GRDB binds a `String` as a NUL-terminated C string and reads TEXT with `String(cString:)`, so
/// a U+0000 in a title, system prompt, error summary or streamed chunk would silently cut the
/// rest off. Text that holds a NUL is therefore stored as a BLOB of its UTF-8 bytes (every other
/// string stays TEXT, readable with the `sqlite3` shell), and reading accepts both.
struct StoredText: DatabaseValueConvertible {
    var string: String

    init(_ string: String) { self.string = string }

    var databaseValue: DatabaseValue {
        string.utf8.contains(0) ? Data(string.utf8).databaseValue : string.databaseValue
    }

    static func fromDatabaseValue(_ dbValue: DatabaseValue) -> StoredText? {
        switch dbValue.storage {
        case .string(let string): StoredText(string)
        case .blob(let data): StoredText(String(decoding: data, as: UTF8.self))
        default: nil
        }
    }

    /// The value to bind for an optional string (`nil` binds NULL).
    static func bind(_ string: String?) -> StoredText? { string.map(StoredText.init) }

    /// Reads a text column of a row (NULL gives `nil`).
    static func read(_ row: Row, _ index: Int) -> String? {
        (row[index] as StoredText?)?.string
    }

    /// The plain text kept for the search index: a NUL would cut it, and it is no word, so it
    /// becomes a space (the message's content, which export reads, keeps it).
    static func searchable(_ text: String) -> String {
        text.utf8.contains(0) ? text.replacingOccurrences(of: "\0", with: " ") : text
    }
}
