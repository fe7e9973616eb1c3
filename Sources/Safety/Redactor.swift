import Synchronization

/// Redaction by value: every key palaver read is registered here, and any long piece of any of
/// them is masked wherever text leaves the process (standard output and error, the log file, the
/// database, exports, error text).
///
/// Matching by pattern (`sk-…`) misses a key echoed without its prefix, a fragment of it, or the
/// key percent-encoded; this catches all three. A piece is "long" when it has at least
/// ``minimumPiece`` characters of the key: shorter runs of key characters occur in ordinary text
/// by chance, longer ones do not. Percent-encoded text (`%73%6B…`, any mix of encoded and plain
/// bytes, either case of hex digit) is decoded before matching, and base64 of the key (at any of
/// the three byte alignments) is matched as its own secret.
///
/// ```swift
/// Redactor.shared.register(key)
/// Redactor.shared.redact("echo: \(key.dropFirst(7))")   // "echo: sk-ant-…wxyz"
/// ```
public final class Redactor: Sendable {
    /// The registry every output path consults.
    public static let shared = Redactor()

    /// The shortest run of a key's characters that is masked.
    public static let minimumPiece = 12

    /// Secrets shorter than this are not registered: they cannot be told from ordinary text.
    public static let minimumSecret = 12

    /// Starts shared by every key of a kind, longest first.
    static let publicPrefixes = ["sk-ant-admin01-", "sk-ant-api03-", "sk-ant-oat01-", "sk-ant-", "sk-proj-", "sk-"]

    private let state = Mutex(State())

    public init() {}

    /// Adds a secret (surrounding whitespace is ignored). Returns whether it was new.
    @discardableResult
    public func register(_ secret: String) -> Bool {
        let trimmed = Self.trimmed(secret)
        guard trimmed.utf8.count >= Self.minimumSecret else { return false }
        return state.withLock { $0.add(trimmed) }
    }

    /// Whether any secret is registered (a fast path for callers with a lot of text).
    public var isEmpty: Bool { state.withLock { $0.secrets.isEmpty } }

    /// Forgets every registered secret (tests; a process that switches keys keeps the old ones).
    public func removeAll() {
        state.withLock { $0 = State() }
    }

    /// `text` with every piece of at least ``minimumPiece`` characters of any registered secret
    /// (raw, percent-encoded or base64) replaced by that secret's mask.
    public func redact(_ text: String) -> String {
        let snapshot = state.withLock { $0 }
        guard !snapshot.secrets.isEmpty, text.utf8.count >= Self.minimumPiece else { return text }
        return snapshot.redact(text)
    }

    /// The length of the longest suffix of `text` that could still grow into a registered piece
    /// (a writer that streams text holds that much back until the next chunk decides it).
    public func pendingSuffixLength(of text: String) -> Int {
        let snapshot = state.withLock { $0 }
        guard !snapshot.secrets.isEmpty else { return 0 }
        return snapshot.pendingSuffixLength(Array(text.utf8))
    }

    private static func trimmed(_ s: String) -> String {
        var scalars = Substring(s).unicodeScalars[...]
        while let f = scalars.first, f.properties.isWhitespace { scalars.removeFirst() }
        while let l = scalars.last, l.properties.isWhitespace { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}

extension Redactor {
    /// One registered secret and the byte strings it is matched as.
    struct Entry: Sendable {
        var mask: String
        /// Byte forms matched against decoded text: the key itself and its base64 at each alignment.
        var forms: [[UInt8]]
    }

    /// A 12-byte window, packed so it hashes cheaply.
    struct Gram: Hashable, Sendable {
        var high: UInt64
        var low: UInt32

        init(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) {
            var h: UInt64 = 0
            for i in 0..<8 { h = h << 8 | UInt64(bytes[start + i]) }
            var l: UInt32 = 0
            for i in 8..<12 { l = l << 8 | UInt32(bytes[start + i]) }
            high = h
            low = l
        }
    }

    struct Place: Sendable {
        var entry: Int
        var form: Int
        var offset: Int
    }

    struct State: Sendable {
        var secrets: Set<String> = []
        var entries: [Entry] = []
        /// Every 12-byte window of every form → where it is: entry, form and offset in the form.
        var grams: [Gram: Place] = [:]
        /// Every prefix of every form up to 11 bytes (for holding back a streamed suffix).
        var prefixes: Set<[UInt8]> = []

        mutating func add(_ secret: String) -> Bool {
            guard secrets.insert(secret).inserted else { return false }
            let bytes = Array(secret.utf8)
            var forms = [bytes]
            forms += Base64Forms.inner(of: bytes).filter { $0.count >= Redactor.minimumPiece }
            let index = entries.count
            entries.append(Entry(mask: Secrets.mask(secret), forms: forms))
            // The public start every key of a kind shares (`sk-ant-api03-`) is no secret: a piece
            // counts only when it holds 12 characters of the rest (the public start before it is
            // then masked along with it); otherwise every mention of the key format, or another
            // key that shares one character after the start, would be taken for this key.
            let publicPrefix = Redactor.publicPrefixes.first { secret.hasPrefix($0) }?.utf8.count ?? 0
            for (n, form) in forms.enumerated() {
                form.withUnsafeBufferPointer { buffer in
                    for start in 0...(buffer.count - Redactor.minimumPiece) {
                        if n == 0, start < publicPrefix { continue }
                        grams[Gram(buffer, at: start)] = Place(entry: index, form: n, offset: start)
                    }
                }
                // Any window of the form may begin a piece, so any substring shorter than a
                // piece may be its start: keep the short substrings for `pendingSuffixLength`.
                for start in 0..<form.count {
                    for length in 1..<Redactor.minimumPiece where start + length <= form.count {
                        prefixes.insert(Array(form[start..<(start + length)]))
                    }
                }
            }
            return true
        }

        func redact(_ text: String) -> String {
            let decoded = PercentDecoded(Array(text.utf8))
            guard decoded.bytes.count >= Redactor.minimumPiece else { return text }
            // Mark every decoded byte covered by a matching window; maximal runs are the pieces.
            var owner = [Int](repeating: -1, count: decoded.bytes.count)
            var found = false
            decoded.bytes.withUnsafeBufferPointer { buffer in
                for start in 0...(buffer.count - Redactor.minimumPiece) {
                    guard let place = grams[Gram(buffer, at: start)] else { continue }
                    found = true
                    for i in start..<(start + Redactor.minimumPiece) { owner[i] = place.entry }
                    // A piece that began inside the public start: take the start with it.
                    let form = entries[place.entry].forms[place.form]
                    var (i, k) = (start, place.offset)
                    while i > 0, k > 0, owner[i - 1] < 0, buffer[i - 1] == form[k - 1] {
                        i -= 1
                        k -= 1
                        owner[i] = place.entry
                    }
                }
            }
            guard found else { return text }
            let original = Array(text.utf8)
            var out: [UInt8] = []
            out.reserveCapacity(original.count)
            var cursor = 0 // in original bytes
            var i = 0
            while i < owner.count {
                guard owner[i] >= 0 else {
                    i += 1
                    continue
                }
                var j = i
                while j < owner.count, owner[j] >= 0 { j += 1 }
                let from = decoded.origin[i].lowerBound
                let to = decoded.origin[j - 1].upperBound
                out += original[cursor..<from]
                out += Array(entries[owner[i]].mask.utf8)
                cursor = to
                i = j
            }
            out += original[cursor...]
            return String(decoding: out, as: UTF8.self)
        }

        func pendingSuffixLength(_ bytes: [UInt8]) -> Int {
            let limit = min(bytes.count, Redactor.minimumPiece - 1)
            guard limit > 0 else { return 0 }
            for length in stride(from: limit, through: 1, by: -1) {
                if prefixes.contains(Array(bytes[(bytes.count - length)...])) { return length }
            }
            // A percent sign (or a percent sign and one hex digit) may start an encoded byte.
            if bytes.last == UInt8(ascii: "%") { return 1 }
            if bytes.count >= 2, bytes[bytes.count - 2] == UInt8(ascii: "%") { return 2 }
            return 0
        }
    }
}

/// Text with `%XX` escapes decoded, remembering which original bytes each decoded byte came from.
struct PercentDecoded {
    var bytes: [UInt8] = []
    var origin: [Range<Int>] = []

    init(_ input: [UInt8]) {
        bytes.reserveCapacity(input.count)
        origin.reserveCapacity(input.count)
        var i = 0
        while i < input.count {
            if input[i] == UInt8(ascii: "%"), i + 2 < input.count,
                let high = Self.hex(input[i + 1]), let low = Self.hex(input[i + 2])
            {
                bytes.append(high << 4 | low)
                origin.append(i..<(i + 3))
                i += 3
            } else {
                bytes.append(input[i])
                origin.append(i..<(i + 1))
                i += 1
            }
        }
    }

    static func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// The parts of a secret's base64 encoding that do not depend on what surrounds it.
enum Base64Forms {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// For each of the three alignments the secret can start at inside a longer encoded text, the
    /// characters that encode only the secret's own bytes (standard and URL-safe alphabets).
    static func inner(of secret: [UInt8]) -> [[UInt8]] {
        var forms: [[UInt8]] = []
        for pad in 0..<3 {
            let data = [UInt8](repeating: 0, count: pad) + secret
            let encoded = encode(data)
            // Characters 0..<lead mix in the padding bytes; a trailing partial group mixes in
            // whatever follows the secret.
            let lead = pad == 0 ? 0 : (pad * 8 + 5) / 6
            let wholeGroups = data.count / 3
            let tail = wholeGroups * 4
            guard tail > lead else { continue }
            let core = Array(encoded[lead..<tail])
            forms.append(core)
            let urlSafe = core.map {
                $0 == UInt8(ascii: "+") ? UInt8(ascii: "-") : $0 == UInt8(ascii: "/") ? UInt8(ascii: "_") : $0
            }
            if urlSafe != core { forms.append(urlSafe) }
        }
        return forms
    }

    static func encode(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i + 2 < data.count {
            let n = UInt32(data[i]) << 16 | UInt32(data[i + 1]) << 8 | UInt32(data[i + 2])
            for shift in [18, 12, 6, 0] { out.append(alphabet[Int((n >> UInt32(shift)) & 63)]) }
            i += 3
        }
        return out // a trailing partial group is never part of a stable form
    }
}
