import Foundation
import PlainJSON

/// A JSON value as the store reads and writes its own formats: the content column (an array of
/// blocks) and the export document. It is PlainJSON's value, the one the API client uses too;
/// parsing here is Foundation's `JSONDecoder`, writing is compact with keys sorted, so one value
/// has one text (stored content and exports compare by bytes).
///
/// The store knows no API types: it reads only what its own format says (see ``StoredBlocks``)
/// and keeps every other member exactly.
typealias StoredJSON = JSONValue

extension JSONValue {
    /// Parses a complete JSON document (the store's own text: Foundation's decoder is enough).
    static func parse(_ text: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }
}
