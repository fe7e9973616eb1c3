import Foundation

/// A throwaway directory for a test: created empty under the system's temporary folder, and
/// removed with everything in it when the last reference goes away (or when ``with(prefix:_:)``
/// returns).
///
/// ```swift
/// let temp = try TemporaryDirectory(prefix: "palaver-cred")
/// try "x".write(toFile: temp.path("credentials.toml"), atomically: true, encoding: .utf8)
/// ```
public final class TemporaryDirectory: Sendable {
    /// The directory (its name is `prefix-UUID`).
    public let url: URL

    /// The directory's path.
    public var path: String { url.path }

    /// Creates a new, empty directory named `prefix-UUID`.
    public init(prefix: String = "palaver-test") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    /// The path of `name` inside the directory (nothing is created).
    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// The URL of `name` inside the directory (nothing is created).
    public func url(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// Runs `body` with a new directory, removed when `body` returns or throws.
    public static func with<T>(prefix: String = "palaver-test", _ body: (TemporaryDirectory) throws -> T) throws -> T {
        let directory = try TemporaryDirectory(prefix: prefix)
        return try withExtendedLifetime(directory) { try body(directory) }
    }

    /// Runs `body` with a new directory, removed when `body` returns or throws.
    public static func with<T>(prefix: String = "palaver-test", _ body: (TemporaryDirectory) async throws -> T)
        async throws -> T
    {
        let directory = try TemporaryDirectory(prefix: prefix)
        let result = try await body(directory)
        withExtendedLifetime(directory) {}
        return result
    }
}
