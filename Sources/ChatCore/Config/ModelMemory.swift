import AnthropicAPI
import Foundation

/// The newest model the API listed, remembered per base URL so `ask` need not list models
/// on every run, and looked up again when the API says the model no longer exists.
public struct ModelMemory: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// The remembered model for `baseURL`, if any.
    public func model(for baseURL: String) -> String? {
        load()[baseURL]
    }

    /// Remembers `model` for `baseURL` (atomically; failures only lose the memory, never a reply).
    public func remember(_ model: String, for baseURL: String) {
        var all = load()
        all[baseURL] = model
        let json = JSONValue.object(all.mapValues(JSONValue.string))
        try? Paths.ensureDirectory((path as NSString).deletingLastPathComponent)
        try? Data(json.serialized().utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    private func load() -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path),
              let json = try? JSONValue.parse(Array(data)), let object = json.objectValue else { return [:] }
        return object.compactMapValues(\.stringValue)
    }
}
