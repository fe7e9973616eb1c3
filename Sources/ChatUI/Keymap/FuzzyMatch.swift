/// Fuzzy matching for the command palette: the query's letters, in order, anywhere in the text
/// (a subsequence, case-insensitive, spaces in the query ignored). Letters at the start of a
/// word score higher (the text's first word more: a command's help starts with what it does),
/// and so do letters in a run (the run keeps the bonus it started with, as
/// in fzf); each break between runs costs a little.
enum FuzzyMatch {
    /// What a matched letter scores.
    static let letter = 1
    /// What a letter scores more at the start of a word.
    static let wordStart = 10
    /// What a letter scores more again at the start of the text.
    static let firstWord = 5
    /// What a letter scores more right after the letter matched before it (at least).
    static let consecutive = 5
    /// What a break between two matched letters costs.
    static let gap = 3

    /// The best score of `query` in `text`, or nil when they do not match; an empty query scores 0.
    static func score(_ query: String, in text: String) -> Int? {
        let q = query.filter { !$0.isWhitespace }.map { $0.lowercased() }
        let original = Array(text)
        let t = original.map { $0.lowercased() }
        guard !q.isEmpty else { return 0 }
        // previous[j]: the best score of the query so far with its last letter matched at t[j],
        // and the bonus of the run that letter is in.
        var previous = [(score: Int, run: Int)?](repeating: nil, count: t.count)
        for (i, letter) in q.enumerated() {
            var current = [(score: Int, run: Int)?](repeating: nil, count: t.count)
            var bestBefore: Int? = nil // the best of previous[0..<j]
            for j in t.indices {
                if t[j] == letter {
                    let bonus = j == 0 ? wordStart + firstWord : isWordStart(original, at: j) ? wordStart : 0
                    if i == 0 {
                        current[j] = (Self.letter + bonus, bonus)
                    } else if let before = bestBefore {
                        current[j] = (before - gap + Self.letter + bonus, bonus)
                    }
                    if i > 0, j > 0, let p = previous[j - 1] {
                        let run = max(p.run, consecutive)
                        let extended = p.score + Self.letter + run
                        if extended >= current[j]?.score ?? .min { current[j] = (extended, run) }
                    }
                }
                if let p = previous[j] { bestBefore = max(bestBefore ?? p.score, p.score) }
            }
            previous = current
        }
        return previous.compactMap { $0?.score }.max()
    }

    /// The items whose text matches `query`, best first; ties keep their order.
    static func filter<T>(_ items: [T], query: String, text: (T) -> String) -> [T] {
        let scored = items.enumerated().compactMap { index, item in
            score(query, in: text(item)).map { (item: item, score: $0, index: index) }
        }
        return scored.sorted { ($0.score, -$0.index) > ($1.score, -$1.index) }.map(\.item)
    }

    /// Whether `text[i]` starts a word: the first letter, or one after a character that is not a letter or digit.
    private static func isWordStart(_ text: [Character], at i: Int) -> Bool {
        i == 0 || !(text[i - 1].isLetter || text[i - 1].isNumber)
    }
}
