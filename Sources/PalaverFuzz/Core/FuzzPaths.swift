import Foundation

/// Where the seed corpora and the kept crash inputs live in the source tree.
public enum FuzzPaths {
    /// The package root, found from this file's place in `Sources/PalaverFuzz/Core`.
    public static var packageRoot: String {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }

    /// `Tests/Fuzz/Corpus`: one folder of seed inputs per target.
    public static var corpus: String { packageRoot + "/Tests/Fuzz/Corpus" }
    /// `Tests/Fuzz/Crashes`: one folder per target of inputs that crashed or broke an invariant.
    public static var crashes: String { packageRoot + "/Tests/Fuzz/Crashes" }

    /// The regular files directly in `directory`, sorted by name (notes ending in `.txt` or `.md` left out).
    public static func inputFiles(in directory: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.sorted().filter { !$0.hasPrefix(".") && !$0.hasSuffix(".txt") && !$0.hasSuffix(".md") }
            .map { directory + "/" + $0 }
            .filter { path in
                var isDirectory: ObjCBool = false
                return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
            }
    }

    /// The campaign seed and case number in a kept input's name (`crash-s7-c1234.bin`), if any.
    public static func seedAndCase(inName path: String) -> (seed: UInt64, index: UInt64)? {
        let name = (path as NSString).lastPathComponent
        guard let s = name.range(of: "-s"), let c = name.range(of: "-c", range: s.upperBound..<name.endIndex) else {
            return nil
        }
        let seedText = name[s.upperBound..<c.lowerBound]
        let caseText = name[c.upperBound...].prefix { $0.isASCII && $0.isNumber }
        guard let seed = UInt64(seedText), let index = UInt64(caseText) else { return nil }
        return (seed, index)
    }
}
