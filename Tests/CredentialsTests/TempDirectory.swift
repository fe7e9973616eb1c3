import Foundation

/// A throwaway directory removed when the test ends.
final class TempDirectory {
    let url: URL
    var path: String { url.path }

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("palaver-cred-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    func sub(_ name: String) -> String { url.appendingPathComponent(name).path }
}

enum Keys {
    static func make(_ fill: Character, length: Int = 93) -> String {
        "sk-ant-api03-" + String(repeating: fill, count: length) + "AA"
    }
}
