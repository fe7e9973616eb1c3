/// An invariant a fuzz target checks did not hold for an input (a crash is not a failure: it
/// ends the process, and the supervisor keeps the input).
public struct FuzzFailure: Error, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

/// Throws a ``FuzzFailure`` with `message` when `condition` is false.
@inline(__always)
func require(_ condition: Bool, _ message: @autoclosure () -> String) throws(FuzzFailure) {
    if !condition { throw FuzzFailure(message()) }
}
