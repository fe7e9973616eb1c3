import Foundation
import TestSupport
import Testing

@testable import Credentials

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct CredentialsFileTests {
    private func mode(_ path: String) -> mode_t {
        var info = stat()
        stat(path, &info)
        return info.st_mode & 0o777
    }

    @Test func writesMode0600InA0700Directory() throws {
        let temp = try TemporaryDirectory(prefix: "palaver-cred")
        let file = CredentialsFile(directory: temp.path("config/palaver"))
        try file.write(Keys.make("w"))
        #expect(mode(file.path) == 0o600)
        #expect(mode(temp.path("config/palaver")) == 0o700)
        guard case .key(let key, let savedAt) = file.read() else {
            Issue.record("not read back")
            return
        }
        #expect(key == Keys.make("w"))
        #expect(savedAt != nil)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: temp.path("config/palaver")) == ["credentials.toml"])
    }

    @Test func looseFilesAreRefusedWithTheFix() throws {
        let temp = try TemporaryDirectory(prefix: "palaver-cred")
        let file = CredentialsFile(directory: temp.path)
        try file.write(Keys.make("l"))
        chmod(file.path, 0o644)
        guard case .unusable(let reason, let fix) = file.read() else {
            Issue.record("loose file was used")
            return
        }
        #expect(reason.contains("644"))
        #expect(fix.contains("chmod 600 \(file.path)"))
        chmod(file.path, 0o640)
        if case .key = file.read() { Issue.record("group-readable file was used") }
    }

    @Test func aCrashBetweenWriteAndRenameLeavesTheOldFileWhole() throws {
        let temp = try TemporaryDirectory(prefix: "palaver-cred")
        let file = CredentialsFile(directory: temp.path)
        try file.write(Keys.make("o"))
        let before = try Data(contentsOf: URL(fileURLWithPath: file.path))
        struct Crash: Error {}
        #expect(throws: Crash.self) {
            try file.atomicWrite(Array("api_key = \"\(Keys.make("n"))\"\n".utf8), beforeRename: { throw Crash() })
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: file.path)) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: temp.path) == ["credentials.toml"])
        guard case .key(let key, _) = file.read() else {
            Issue.record("old key lost")
            return
        }
        #expect(key == Keys.make("o"))
    }

    @Test func garbageAndMissingFilesAreReportedNotUsed() throws {
        let temp = try TemporaryDirectory(prefix: "palaver-cred")
        let file = CredentialsFile(directory: temp.path)
        #expect(file.read() == .missing)
        FileManager.default.createFile(
            atPath: file.path, contents: Data("this is not the format".utf8), attributes: [.posixPermissions: 0o600])
        if case .unusable(let reason, _) = file.read() {
            #expect(reason.contains("format"))
        } else {
            Issue.record("garbage used")
        }
        FileManager.default.createFile(
            atPath: file.path, contents: Data("# only a comment\n".utf8), attributes: [.posixPermissions: 0o600])
        if case .unusable(let reason, _) = file.read() {
            #expect(reason.contains("no api_key"))
        } else {
            Issue.record("empty used")
        }
    }

    /// The file is untrusted input: an oversized one is refused without being read, and only a
    /// timestamp of the shape palaver writes is kept from `saved_at` (doctor prints it).
    @Test func oversizedFilesAndOddTimestampsAreNotTrusted() throws {
        let temp = try TemporaryDirectory(prefix: "palaver-cred")
        let file = CredentialsFile(directory: temp.path)
        let big = "api_key = \"\(Keys.make("b"))\"\n" + String(repeating: "# padding\n", count: 10_000)
        FileManager.default.createFile(
            atPath: file.path, contents: Data(big.utf8), attributes: [.posixPermissions: 0o600])
        if case .unusable(let reason, _) = file.read() {
            #expect(reason.contains("larger than 64 KiB"))
        } else {
            Issue.record("oversized file used")
        }
        for (stamp, kept) in [
            ("2026-12-01T08:00:00Z", true), ("\u{1B}]52;c;aGk=\u{07}", false),
            (String(repeating: "1", count: 41), false), ("yesterday", false),
        ] {
            let text = "api_key = \"\(Keys.make("t"))\"\nsaved_at = \"\(stamp)\"\n"
            FileManager.default.createFile(
                atPath: file.path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
            guard case .key(_, let savedAt) = file.read() else {
                Issue.record("key not read")
                continue
            }
            #expect(savedAt == (kept ? stamp : nil), "\(stamp.debugDescription)")
        }
    }

    @Test func forgetRemovesTheFile() throws {
        let temp = try TemporaryDirectory(prefix: "palaver-cred")
        let file = CredentialsFile(directory: temp.path)
        #expect(try file.remove() == false)
        try file.write(Keys.make("f"))
        #expect(try file.remove() == true)
        #expect(file.read() == .missing)
    }
}

@Suite struct RejectedKeyMemoryTests {
    @Test func remembersFingerprintsNotKeys() throws {
        let temp = try TemporaryDirectory(prefix: "palaver-cred")
        let memory = RejectedKeyMemory(directory: temp.path)
        let key = Keys.make("r")
        #expect(memory.rejectedAt(key) == nil)
        memory.rememberRejected(key, at: Date(timeIntervalSince1970: 1_800_000_000))
        #expect(memory.rejectedAt(key) == Date(timeIntervalSince1970: 1_800_000_000))
        #expect(memory.rejectedAt(Keys.make("s")) == nil)
        for name in try FileManager.default.contentsOfDirectory(atPath: temp.path) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: temp.path(name)))
            #expect(!String(decoding: bytes, as: UTF8.self).contains(key), "\(name) holds the key")
            #expect(!String(decoding: bytes, as: UTF8.self).contains(String(key.suffix(20))))
        }
        memory.forget(key)
        #expect(memory.rejectedAt(key) == nil)
    }

    @Test func fingerprintsAreSaltedPerUser() throws {
        let a = try TemporaryDirectory(prefix: "palaver-cred")
        let b = try TemporaryDirectory(prefix: "palaver-cred")
        let key = Keys.make("t")
        RejectedKeyMemory(directory: a.path).rememberRejected(key)
        RejectedKeyMemory(directory: b.path).rememberRejected(key)
        let first = RejectedKeyMemory(directory: a.path).entries().first?.fingerprint
        let second = RejectedKeyMemory(directory: b.path).entries().first?.fingerprint
        #expect(first != nil && second != nil && first != second)
    }

    @Test func keepsABoundedList() throws {
        let temp = try TemporaryDirectory(prefix: "palaver-cred")
        let memory = RejectedKeyMemory(directory: temp.path)
        for i in 0..<40 { memory.rememberRejected(Keys.make("x", length: 50 + i)) }
        #expect(memory.entries().count == RejectedKeyMemory.capacity)
        #expect(memory.rejectedAt(Keys.make("x", length: 89)) != nil)
        #expect(memory.rejectedAt(Keys.make("x", length: 50)) == nil)
    }
}

extension RejectedKeyMemoryTests {
    /// Dates in the memory file are read as untrusted numbers: out-of-range or non-finite lines are
    /// dropped, and saving never converts a non-finite date (that trapped before).
    @Test func oddDatesNeitherTrapNorCount() throws {
        let temp = try TemporaryDirectory(prefix: "palaver-cred")
        let memory = RejectedKeyMemory(directory: temp.path)
        memory.rememberRejected(Keys.make("a"), at: Date(timeIntervalSince1970: 1_800_000_000))
        let good = try #require(memory.entries().first)
        let fp = String(repeating: "ab", count: 32)
        let lines = [
            "\(good.fingerprint) 1800000000", "\(fp) inf", "\(fp) nan", "\(fp) 1e300", "\(fp) -5",
            "\(fp) 99999999999999999999",
            "\(String(repeating: "zz", count: 32)) 5", "\(fp) 1.5",
        ]
        try (lines.joined(separator: "\n") + "\n").write(
            toFile: temp.path("rejected-keys"), atomically: true, encoding: .utf8)
        #expect(memory.entries() == [good])
        memory.rememberRejected(Keys.make("b"), at: Date(timeIntervalSince1970: .infinity))
        memory.rememberRejected(Keys.make("c"), at: Date(timeIntervalSince1970: 1e300))
        memory.rememberRejected(Keys.make("d"), at: Date(timeIntervalSince1970: -.infinity))
        #expect(memory.rejectedAt(Keys.make("b")) == Date(timeIntervalSince1970: 0))
        #expect(
            memory.rejectedAt(Keys.make("c"))
                == Date(timeIntervalSince1970: TimeInterval(RejectedKeyMemory.latestSeconds)))
        #expect(memory.rejectedAt(Keys.make("a")) == good.date)
        #expect(memory.entries().count == 4)
    }
}
