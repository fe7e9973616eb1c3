/// Where a command writes: results to `out`, notices and errors to `err`.
public protocol CommandOutput: Sendable {
    func out(_ text: String)
    func err(_ text: String)
    /// Whether `out` is a terminal (then model output is sanitised of control sequences).
    var outIsTerminal: Bool { get }
}
