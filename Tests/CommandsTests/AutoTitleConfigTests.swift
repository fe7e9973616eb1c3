import ChatCore
import Foundation
import Testing

@testable import Commands

/// `auto_title` (off by default) and `title_model` in config.toml.
@Suite struct AutoTitleConfigTests {
    @Test func readAndCheckedLikeEverySetting() throws {
        let config = try Config.parse("auto_title = true\ntitle_model = \"claude-haiku\"\n", path: "c.toml")
        #expect(config.autoTitle == true && config.titleModel == "claude-haiku")
        #expect(config.unknownKeys.isEmpty)
        let none = try Config.parse("model = \"m\"\n", path: "c.toml")
        #expect(none.autoTitle == nil && none.titleModel == nil)
        #expect(throws: ConfigError.self) { try Config.parse("auto_title = \"yes\"\n", path: "c.toml") }
        #expect(try Config.parse("title_model = \"  \"\n", path: "c.toml").titleModel == nil)
    }
}
