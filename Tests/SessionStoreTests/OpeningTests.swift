import Foundation
import GRDB
import TestSupport
import Testing

@testable import SessionStore

@Suite("Opening the store")
struct OpeningTests {
    @Test func defaultPathFollowsXDGDataHomeAndCreatesAPrivateFolder() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let xdg = dir.path("data")
        let path = try SessionStore.defaultPath(environment: ["XDG_DATA_HOME": xdg, "HOME": dir.path("home")])
        #expect(path == xdg + "/palaver/palaver.sqlite")
        #expect(fileMode(xdg + "/palaver") == 0o700)
    }

    @Test func defaultPathIgnoresARelativeXDGDataHome() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let home = dir.path("home")
        for environment in [
            ["XDG_DATA_HOME": "relative/data", "HOME": home], ["HOME": home], ["XDG_DATA_HOME": "", "HOME": home],
        ] {
            let path = try SessionStore.defaultPath(environment: environment)
            #expect(path == home + "/.local/share/palaver/palaver.sqlite")
        }
        #expect(fileMode(home + "/.local/share/palaver") == 0o700)
    }

    @Test func newDatabaseIsPrivateInWALModeWithBusyTimeoutAndForeignKeys() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let path = dir.path("nested/folder/palaver.sqlite")
        let store = try SessionStore(path: path)
        #expect(store.path == path)
        #expect(fileMode(path) == 0o600)
        #expect(fileMode(dir.path("nested/folder")) == 0o700)
        let (journal, timeout, foreignKeys) = try store.pool.write { db in
            (
                try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA busy_timeout"),
                try Int.fetchOne(db, sql: "PRAGMA foreign_keys")
            )
        }
        #expect(journal == "wal")
        #expect(timeout == 5000)
        #expect(foreignKeys == 1)
        try store.close()
        // Reopening an existing store works and keeps the data.
        let conversation = try SessionStore(path: path).createConversation(title: "kept", model: "m")
        #expect(try SessionStore(path: path).conversation(conversation.id)?.title == "kept")
    }

    @Test func closedStoreThrowsClosed() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let store = try SessionStore(path: dir.database)
        try store.close()
        #expect(expectStoreError(.closed) { _ = try store.conversationCount() } != nil)
    }

    /// Files in the store's place that are not SQLite at all.
    enum NotADatabase: CaseIterable {
        case randomBytes, shortTextFile

        var bytes: [UInt8] {
            switch self {
            case .randomBytes:
                var generator = SystemRandomNumberGenerator()
                return (0..<65_536).map { _ in UInt8.random(in: 0...255, using: &generator) }
            case .shortTextFile:
                return Array("my notes\n".utf8)
            }
        }
    }

    @Test(arguments: NotADatabase.allCases)
    func aFileThatIsNotSQLiteIsNotADatabaseAndStaysUntouched(_ file: NotADatabase) throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let bytes = file.bytes
        _ = FileManager.default.createFile(atPath: dir.database, contents: Data(bytes))
        let error = expectStoreError(.notADatabase) { _ = try SessionStore(path: dir.database) }
        #expect(error?.description.contains(dir.database) == true)
        #expect(fileBytes(dir.database) == bytes)
    }

    /// A real store with enough rows to span many pages, closed cleanly.
    private func makeFilledDatabase(_ path: String) throws {
        let store = try SessionStore(path: path)
        let conversation = try store.createConversation(title: "big", model: "m")
        for i in 0..<300 {
            try store.appendUserMessage(
                to: conversation.id, text: "message \(i) " + String(repeating: "x", count: 500), status: .complete)
        }
        try store.close()
    }

    @Test(arguments: [0.5, 0.37])
    func truncatedDatabaseIsCorruptAndStaysUntouched(fraction: Double) throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        try makeFilledDatabase(dir.database)
        let whole = fileBytes(dir.database)
        #expect(whole.count > 100_000)
        // 0.5 cuts on a page boundary (caught by the header's page count), 0.37 mid-page.
        let cut = Array(whole.prefix(Int(Double(whole.count) * fraction)))
        try Data(cut).write(to: URL(fileURLWithPath: dir.database))
        let error = expectStoreError(.corrupt) { _ = try SessionStore(path: dir.database) }
        #expect(error?.description.contains(dir.database) == true)
        #expect(fileBytes(dir.database) == cut)
    }

    @Test func damagedSchemaPageIsCorruptAndStaysUntouched() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        try makeFilledDatabase(dir.database)
        var bytes = fileBytes(dir.database)
        for i in 100..<1000 { bytes[i] = UInt8(truncatingIfNeeded: i &* 7) }
        try Data(bytes).write(to: URL(fileURLWithPath: dir.database))
        let error = expectStoreError(.corrupt) { _ = try SessionStore(path: dir.database) }
        #expect(error?.description.contains(dir.database) == true)
        #expect(fileBytes(dir.database) == bytes)
    }

    @Test func anotherProgramsDatabaseIsRefusedAndStaysUntouched() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        try withRawDatabase(dir.database) { db in
            try db.execute(
                sql: "CREATE TABLE bookmarks (url TEXT); INSERT INTO bookmarks VALUES ('https://example.org')")
        }
        let before = fileBytes(dir.database)
        let error = expectStoreError(.foreignDatabase) { _ = try SessionStore(path: dir.database) }
        #expect(error?.description.contains(dir.database) == true)
        #expect(fileBytes(dir.database) == before)
    }

    @Test func databaseFromANewerPalaverIsRefused() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        try SessionStore(path: dir.database).close()
        try withRawDatabase(dir.database) { db in
            try db.execute(sql: "INSERT INTO grdb_migrations VALUES ('palaver-v99-future')")
        }
        let error = expectStoreError(.newerSchema) { _ = try SessionStore(path: dir.database) }
        #expect(error?.description.contains("newer palaver") == true)
    }

    @Test func aFolderInPlaceOfTheFileCannotBeOpened() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        try FileManager.default.createDirectory(atPath: dir.database, withIntermediateDirectories: true)
        let error = expectStoreError(.cannotOpen) { _ = try SessionStore(path: dir.database) }
        #expect(error?.description.contains(dir.database) == true)
    }

    // MARK: Permissions (as root, in a child process that dropped to `nobody`)

    /// Opens `path` as a user the file modes apply to, returning `opened` or `error <code> …`.
    private func openAsUnprivilegedUser(_ path: String, in dir: TemporaryDirectory) throws -> String {
        if getuid() != 0 { return ChildRole.openOutcome(path) }
        let outcome = try ChildProcess.run("open-unprivileged", arguments: ["PATH": path], in: dir)
        return outcome.results.first.map { String($0.dropFirst("RESULT ".count)) }
            ?? "no result (status \(outcome.status))"
    }

    private func makeSharedDatabase(_ dir: TemporaryDirectory) throws {
        try makeFilledDatabase(dir.database)
        chmod(dir.database, 0o666) // writable by anyone, so only the mode under test matters
    }

    /// A read-only file (0o444) and an unreadable one (0o000), each with the error it gives.
    @Test(
        .enabled(if: ChildProcess.canTestPermissions),
        arguments: [(0o444, "error readOnly"), (0o000, "error unreadable")])
    func aLockedFileGivesAClearErrorAndStaysUntouched(mode: Int, error: String) throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        try makeSharedDatabase(dir)
        chmod(dir.path, 0o777)
        chmod(dir.database, mode_t(mode))
        let before = fileBytes(dir.database)
        let outcome = try openAsUnprivilegedUser(dir.database, in: dir)
        #expect(outcome.hasPrefix(error), "\(outcome)")
        #expect(outcome.contains(dir.database))
        #expect(fileBytes(dir.database) == before)
    }

    @Test(.enabled(if: ChildProcess.canTestPermissions))
    func readOnlyFolderGivesAClearErrorAndLeavesTheFileUntouched() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        try makeSharedDatabase(dir)
        chmod(dir.path, 0o555)
        defer { chmod(dir.path, 0o755) } // so the folder can be removed
        let before = fileBytes(dir.database)
        let outcome = try openAsUnprivilegedUser(dir.database, in: dir)
        #expect(outcome.hasPrefix("error readOnly"), "\(outcome)")
        #expect(outcome.contains("folder \(dir.path) is read-only"))
        #expect(fileBytes(dir.database) == before)
    }

    @Test(.enabled(if: ChildProcess.canTestPermissions))
    func newDatabaseInAReadOnlyFolderGivesAClearError() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        chmod(dir.path, 0o555)
        defer { chmod(dir.path, 0o755) } // so the folder can be removed
        let outcome = try openAsUnprivilegedUser(dir.database, in: dir)
        #expect(outcome.hasPrefix("error readOnly"), "\(outcome)")
        #expect(outcome.contains(dir.path))
        #expect(!FileManager.default.fileExists(atPath: dir.database))
    }
}
