/// Every fuzz target, by name.
public enum FuzzCatalog {
    /// A target the driver can make.
    public struct Entry: Sendable {
        public let name: String
        public let summary: String
        let make: @Sendable () throws -> any FuzzTarget

        init(_ name: String, _ summary: String, _ make: @escaping @Sendable () throws -> any FuzzTarget) {
            self.name = name
            self.summary = summary
            self.make = make
        }

        /// A fresh instance of the target (some hold a scratch folder or a database).
        public func makeTarget() throws -> any FuzzTarget { try make() }
    }

    public static let entries: [Entry] = [
        Entry(SSEFuzzTarget.name, SSEFuzzTarget.summary) { SSEFuzzTarget() },
        Entry(JSONFuzzTarget.name, JSONFuzzTarget.summary) { JSONFuzzTarget() },
        Entry(HeaderFuzzTarget.name, HeaderFuzzTarget.summary) { HeaderFuzzTarget() },
        Entry(KeyDiagnosisFuzzTarget.name, KeyDiagnosisFuzzTarget.summary) { KeyDiagnosisFuzzTarget() },
        Entry(CredentialsFuzzTarget.name, CredentialsFuzzTarget.summary) { CredentialsFuzzTarget() },
        Entry(ThemeFuzzTarget.name, ThemeFuzzTarget.summary) { try ThemeFuzzTarget() },
        Entry(ConfigFuzzTarget.name, ConfigFuzzTarget.summary) { ConfigFuzzTarget() },
        Entry(InputFuzzTarget.name, InputFuzzTarget.summary) { InputFuzzTarget() },
        Entry(MarkdownFuzzTarget.name, MarkdownFuzzTarget.summary) { MarkdownFuzzTarget() },
        Entry(ImportFuzzTarget.name, ImportFuzzTarget.summary) { try ImportFuzzTarget() },
    ]

    /// The driver's own test target, run only by name.
    static let selfTest = Entry(SelfTestFuzzTarget.name, SelfTestFuzzTarget.summary) { SelfTestFuzzTarget() }

    /// The names `all` runs.
    public static var names: [String] { entries.map(\.name) }

    public static func entry(named name: String) -> Entry? {
        name == selfTest.name ? selfTest : entries.first { $0.name == name }
    }
}
