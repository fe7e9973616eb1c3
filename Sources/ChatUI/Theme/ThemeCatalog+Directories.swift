import Foundation

extension ThemeCatalog {
    /// The directories palaver searches, in order: the user's, then the shipped ones.
    ///
    /// `configDirectory` is palaver's config directory (`$XDG_CONFIG_HOME/palaver`, by default
    /// `~/.config/palaver`); its `themes` folder comes first so user themes shadow shipped ones.
    /// It is listed even when it does not exist yet.
    public static func standardDirectories(configDirectory: String, executablePath: String) -> [String] {
        [(configDirectory as NSString).appendingPathComponent("themes")]
            + shippedDirectories(executablePath: executablePath)
    }

    /// The existing directories that may hold the themes shipped with palaver, most specific
    /// first.
    ///
    /// For the executable at `executablePath` (pass `Bundle.main.executablePath`, falling back to
    /// `CommandLine.arguments[0]`; symbolic links are followed as well):
    /// - `<exe dir>/themes`: a release unpacked into one folder;
    /// - `<exe dir>/../share/palaver/themes`: an install under a prefix (`/usr/local/bin/palaver`
    ///   with `/usr/local/share/palaver/themes`);
    /// - the repository's `themes/`, found from this source file's compile-time path
    ///   (`#filePath`). `swift run` and `.build/debug/palaver` run from inside `.build`, where
    ///   SwiftPM copies no themes, so without this a developer build would only ever have the
    ///   compiled-in default. On a machine without the checkout the path does not exist and is
    ///   dropped.
    ///
    /// Directories that do not exist are left out; an empty result is fine (the default theme
    /// is compiled in).
    public static func shippedDirectories(executablePath: String) -> [String] {
        shippedDirectories(executablePath: executablePath, sourceFile: sourceFile)
    }

    /// ``shippedDirectories(executablePath:)`` with the source path given, for tests.
    static func shippedDirectories(executablePath: String, sourceFile: String) -> [String] {
        var candidates: [String] = []
        if !executablePath.isEmpty {
            let executable = URL(fileURLWithPath: executablePath).standardizedFileURL
            for file in [executable, executable.resolvingSymlinksInPath()] {
                let directory = file.deletingLastPathComponent()
                candidates.append(directory.appendingPathComponent("themes").path)
                candidates.append(directory.appendingPathComponent("../share/palaver/themes").standardizedFileURL.path)
            }
        }
        if let repository = repositoryThemes(sourceFile: sourceFile) { candidates.append(repository) }

        var seen = Set<String>()
        return candidates.filter { path in
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                return false
            }
            return seen.insert(path).inserted
        }
    }

    /// This file's path when it was compiled.
    private static let sourceFile: String = #filePath

    /// The `themes` folder beside the `Package.swift` that encloses `sourceFile`, if any.
    static func repositoryThemes(sourceFile: String) -> String? {
        var directory = URL(fileURLWithPath: sourceFile).deletingLastPathComponent()
        for _ in 0..<8 {
            let themes = directory.appendingPathComponent("themes")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path),
                FileManager.default.fileExists(atPath: themes.path, isDirectory: &isDirectory), isDirectory.boolValue
            {
                return themes.path
            }
            let parent = directory.deletingLastPathComponent()
            if parent.path == directory.path { break }
            directory = parent
        }
        return nil
    }
}
