import Foundation

/// The executables `swift build` made, found beside the running test bundle.
public enum BuiltProducts {
    /// The folder holding the built executables (`palaver`, `fake-anthropic`, `palaver-fuzz`):
    /// the first folder above the test bundle that has `palaver` in it, else the package's
    /// debug build folder.
    public static var directory: URL {
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        for _ in 0..<4 {
            url.deleteLastPathComponent()
            if FileManager.default.isExecutableFile(atPath: url.appendingPathComponent("palaver").path) { return url }
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug")
    }

    /// The path of the built executable `name`.
    public static func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }
}
