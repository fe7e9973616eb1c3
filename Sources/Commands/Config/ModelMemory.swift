import AnthropicAPI
import ChatCore
import Foundation

/// The newest model the API listed, remembered per base URL so `ask` need not list models
/// on every run, and looked up again when the API says the model no longer exists.
public struct ModelMemory: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// The longest model id remembered; real ids are a few dozen characters.
    public static let maximumModelLength = 200

    /// The remembered model for `baseURL`, if any (an implausible id in the file is ignored).
    public func model(for baseURL: String) -> String? {
        load()[baseURL]
    }

    /// Remembers `model` for `baseURL` (atomically, 0600; failures only lose the memory, never a
    /// reply). A model id that is not plausible (see ``isPlausible(_:)``) is not remembered: it
    /// came from a server, and would be printed and sent again on every run.
    public func remember(_ model: String, for baseURL: String) {
        guard Self.isPlausible(model) else { return }
        var all = load()
        all[baseURL] = model
        let json = JSONValue.object(all.mapValues(JSONValue.string))
        try? Paths.ensureDirectory((path as NSString).deletingLastPathComponent)
        try? PrivateFile.write(Array(json.serialized().utf8), to: path)
    }

    /// Whether `model` looks like a model id: 1 to ``maximumModelLength`` characters of letters,
    /// digits and `.`, `_`, `-`, `:`, `@`, `/`, `+` (no spaces, controls or escape sequences).
    public static func isPlausible(_ model: String) -> Bool {
        guard !model.isEmpty, model.utf8.count <= maximumModelLength else { return false }
        return model.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                || c == UInt8(ascii: ".") || c == UInt8(ascii: "_") || c == UInt8(ascii: "-") || c == UInt8(ascii: ":")
                || c == UInt8(ascii: "@") || c == UInt8(ascii: "/") || c == UInt8(ascii: "+")
        }
    }

    private func load() -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path), data.count <= 1 << 20,
            let json = try? JSONValue.parse(Array(data)), let object = json.objectValue
        else { return [:] }
        return object.compactMapValues(\.stringValue).filter { Self.isPlausible($0.value) }
    }
}
