import AnthropicAPI
import Foundation
import TestSupport
import Testing

@testable import Credentials

#if canImport(Glibc)
    import Glibc
#endif

/// Named key profiles in credentials.toml: round trips, hostile contents, and the writes that keep the rest.
@Suite struct CredentialsProfilesTests {
    private func mode(_ path: String) -> mode_t {
        var info = stat()
        stat(path, &info)
        return info.st_mode & 0o777
    }

    private func saved(_ file: CredentialsFile) throws -> CredentialsFile.Saved {
        guard case .saved(let saved) = file.load() else {
            Issue.record("not loaded: \(file.load())")
            throw CredentialsFileError(message: "not loaded")
        }
        return saved
    }

    private func writeRaw(_ file: CredentialsFile, _ text: String) {
        try? FileManager.default.createDirectory(
            atPath: (file.path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        FileManager.default.createFile(
            atPath: file.path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
    }

    @Test func profilesRoundTripAndEveryWriteKeepsTheRest() throws {
        let temp = try TemporaryDirectory(prefix: "palaver-prof")
        let file = CredentialsFile(directory: temp.path("config/palaver"))
        try file.write(Keys.make("d"))
        try file.write(Keys.make("w"), profile: "work")
        try file.write(Keys.make("p"), profile: "personal")
        try file.setFallback(of: "work", to: "personal")
        try file.setActive("work")
        #expect(mode(file.path) == 0o600)
        #expect(mode(temp.path("config/palaver")) == 0o700)
        var s = try saved(file)
        #expect(s.key == Keys.make("d"))
        #expect(s.active == "work")
        #expect(s.profiles.map(\.name) == ["work", "personal"])
        #expect(s.profile(named: "work")?.key == Keys.make("w"))
        #expect(s.profile(named: "work")?.fallback == "personal")
        #expect(s.profile(named: "personal")?.savedAt != nil)
        #expect(s.problems.isEmpty)
        #expect(file.read() == .key(Keys.make("d"), savedAt: s.savedAt))
        #expect(file.profileNames() == ["work", "personal"])

        // Saving the default key again keeps the profiles and the active choice.
        try file.write(Keys.make("e"))
        s = try saved(file)
        #expect(s.key == Keys.make("e") && s.active == "work" && s.profiles.count == 2)
        // A profile saved again keeps its fallback unless a new one is given.
        try file.write(Keys.make("x"), profile: "work")
        #expect(try saved(file).profile(named: "work")?.fallback == "personal")
        try file.write(Keys.make("x"), profile: "work", fallback: "default")
        #expect(try saved(file).profile(named: "work")?.fallback == "default")

        // Forgetting the active profile makes the default key active again; the others stay.
        #expect(try file.remove(profile: "work"))
        #expect(try file.remove(profile: "work") == false)
        s = try saved(file)
        #expect(s.active == nil && s.profiles.map(\.name) == ["personal"])
        // Forgetting the default key keeps the profiles; the file goes with the last of them.
        #expect(try file.remove())
        #expect(file.read() == .missing)
        #expect(try saved(file).profiles.count == 1)
        #expect(try file.remove(profile: "personal"))
        #expect(!FileManager.default.fileExists(atPath: file.path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: temp.path("config/palaver")).isEmpty)
    }

    @Test func oldFilesReadUnchanged() throws {
        let temp = try TemporaryDirectory(prefix: "palaver-prof")
        let file = CredentialsFile(directory: temp.path)
        writeRaw(file, "# old\napi_key = \"\(Keys.make("o"))\"\nsaved_at = \"2026-01-01T00:00:00Z\"\n")
        #expect(file.read() == .key(Keys.make("o"), savedAt: "2026-01-01T00:00:00Z"))
        #expect(try saved(file).profiles.isEmpty)
    }

    @Test func badNamesAndTargetsAreRefusedWithAClearMessage() throws {
        let temp = try TemporaryDirectory(prefix: "palaver-prof")
        let file = CredentialsFile(directory: temp.path)
        for name in ["", "has space", "dot.ted", String(repeating: "a", count: 33), "default", "é", "a\u{0}b", "[x]"] {
            #expect(CredentialsFile.problem(withProfileName: name) != nil, "\(name.debugDescription)")
            #expect(throws: CredentialsFileError.self) { try file.write(Keys.make("n"), profile: name) }
        }
        for name in ["a", "work", "Work_2", "x-y", String(repeating: "z", count: 32)] {
            #expect(CredentialsFile.problem(withProfileName: name) == nil, "\(name)")
        }
        #expect(!FileManager.default.fileExists(atPath: file.path))
        try file.write(Keys.make("w"), profile: "work")
        var unknown = ""
        do { try file.setActive("nope") } catch { unknown = "\(error)" }
        #expect(unknown.contains("no profile nope") && unknown.contains("work"))
        #expect(throws: CredentialsFileError.self) { try file.setFallback(of: "work", to: "work") }
        #expect(throws: CredentialsFileError.self) { try file.setFallback(of: "work", to: "missing") }
        #expect(throws: CredentialsFileError.self) { try file.write(Keys.make("q"), profile: "q", fallback: "missing") }
        #expect(throws: CredentialsFileError.self) { try file.setActive(nil) } // no default key to go back to
        #expect(try saved(file).profiles.map(\.name) == ["work"])
    }

    /// The file is untrusted input: odd sections, names, NUL bytes and repeats refuse it; dangling
    /// references are reported, not fatal.
    @Test func hostileContentsAreRefusedOrReported() throws {
        let temp = try TemporaryDirectory(prefix: "palaver-prof")
        let file = CredentialsFile(directory: temp.path)
        let key = "api_key = \"\(Keys.make("h"))\"\n"
        let refused: [(String, String)] = [
            (key + "[profiles.bad name]\n" + key, "cannot name a key profile"),
            (key + "[profiles.default]\n" + key, "top-level key"),
            (key + "[profiles.\(String(repeating: "a", count: 40))]\n" + key, "cannot name"),
            (key + "[servers.x]\n", "only [profiles.NAME] sections"),
            (key + "[profiles.x\n", "only [profiles.NAME]"),
            (key + "[profiles.w]\n" + key + "[profiles.w]\n" + key, "twice"),
            (key + "api\u{0}_key = \"x\"\n", "NUL"),
            (key + "[profiles.w]\nnot a setting\n", "expected format"),
            ("# nothing\n", "no api_key"),
            (
                (0...CredentialsFile.profileLimit).map { "[profiles.p\($0)]\n" + key }.joined(),
                "more than \(CredentialsFile.profileLimit) profiles"
            ),
        ]
        for (text, reason) in refused {
            writeRaw(file, text)
            guard case .unusable(let why, _) = file.load() else {
                Issue.record("used: \(text.prefix(60).debugDescription)")
                continue
            }
            #expect(why.contains(reason), "\(why) for \(text.prefix(60).debugDescription)")
        }
        writeRaw(file, key + String(repeating: "# pad\n", count: 12_000))
        if case .unusable(let why, _) = file.load() {
            #expect(why.contains("larger than"))
        } else {
            Issue.record("huge used")
        }

        writeRaw(
            file,
            key + "fallback = \"gone\"\nactive = \"empty\"\n[profiles.w]\n" + key
                + "fallback = \"../../etc\"\nsaved_at = \"\u{1B}[2J\"\n[profiles.empty]\nfallback = \"w\"\n")
        let s = try saved(file)
        #expect(s.active == nil) // it named a profile without a key
        #expect(s.profile(named: "w")?.fallback == nil)
        #expect(s.profile(named: "w")?.savedAt == nil)
        #expect(s.problems.contains { $0.contains("gone") })
        #expect(s.problems.contains { $0.contains("profile empty holds no api_key") })
        #expect(s.problems.contains { $0.contains("not a profile name") })
        #expect(!s.problems.joined().contains("etc") && !s.problems.joined().contains("\u{1B}"))
    }

    @Test func aLooseFileIsRewrittenPrivatelyWithItsProfiles() throws {
        let temp = try TemporaryDirectory(prefix: "palaver-prof")
        let file = CredentialsFile(directory: temp.path)
        try file.write(Keys.make("w"), profile: "work")
        chmod(file.path, 0o644)
        if case .saved = file.load() { Issue.record("a loose file was used") }
        try file.write(Keys.make("d"))
        #expect(mode(file.path) == 0o600)
        #expect(try saved(file).profile(named: "work")?.key == Keys.make("w"))
    }

    @Test func aCrashMidWriteLeavesTheProfilesWhole() throws {
        let temp = try TemporaryDirectory(prefix: "palaver-prof")
        let file = CredentialsFile(directory: temp.path)
        try file.write(Keys.make("w"), profile: "work")
        let before = try Data(contentsOf: URL(fileURLWithPath: file.path))
        struct Crash: Error {}
        #expect(throws: Crash.self) { try file.atomicWrite(Array("garbage".utf8), beforeRename: { throw Crash() }) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: file.path)) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: temp.path) == ["credentials.toml"])
    }
}

@Suite struct KeyResolverProfileTests {
    let envKey = Keys.make("e")

    private func setUp(_ temp: TemporaryDirectory, env: [String: String] = [:]) -> KeyResolver {
        KeyResolver(
            environment: env, helper: nil, file: CredentialsFile(directory: temp.path("config")),
            memory: RejectedKeyMemory(directory: temp.path("state")))
    }

    @Test func anExplicitProfileRanksAboveTheVariablesButBelowTheSession() throws {
        let temp = try TemporaryDirectory(prefix: "palaver-prof")
        var r = setUp(temp, env: ["ANTHROPIC_API_KEY": envKey])
        try r.file.write(Keys.make("d"))
        try r.file.write(Keys.make("w"), profile: "work")
        #expect(r.resolve().key?.source == .environment("ANTHROPIC_API_KEY"))
        r.profile = "work"
        #expect(r.resolve().key?.source == .profile("work"))
        #expect(r.resolve().key?.credential.secret == Keys.make("w"))
        r.sessionKey = Keys.make("s")
        #expect(r.resolve().key?.source == .session)
        r.sessionKey = nil
        r.profile = nil
        r.environment["PALAVER_KEY_PROFILE"] = "work"
        #expect(r.resolve().key?.source == .profile("work"))
        r.environment["PALAVER_KEY_PROFILE"] = ""
        #expect(r.resolve().key?.source == .environment("ANTHROPIC_API_KEY"))
    }

    @Test func anUnknownProfileIsAnErrorNamingTheProfiles() throws {
        let temp = try TemporaryDirectory(prefix: "palaver-prof")
        var r = setUp(temp, env: ["ANTHROPIC_API_KEY": envKey])
        try r.file.write(Keys.make("w"), profile: "work")
        try r.file.write(Keys.make("p"), profile: "personal")
        r.profile = "wrok"
        let resolution = r.resolve()
        #expect(resolution.key == nil)
        let problem = try #require(resolution.profileProblem)
        #expect(problem.contains("no profile wrok") && problem.contains("work, personal"))
        r.profile = "bad name"
        #expect(r.resolve().profileProblem?.contains("cannot name a key profile") == true)
        #expect(r.resolve().key == nil)
    }

    @Test func theFileYieldsItsActiveProfileAndListsEveryProfile() throws {
        let temp = try TemporaryDirectory(prefix: "palaver-prof")
        let r = setUp(temp)
        try r.file.write(Keys.make("d"))
        try r.file.write(Keys.make("w"), profile: "work", now: Date(timeIntervalSince1970: 1_800_000_000))
        try r.file.write(Keys.make("p"), profile: "personal", fallback: "work")
        #expect(r.resolve().key?.source == .credentialsFile(r.file.path))
        try r.file.setActive("personal")
        let resolution = r.resolve()
        #expect(resolution.key?.source == .profile("personal"))
        #expect(resolution.key?.credential.secret == Keys.make("p"))
        let work = try #require(resolution.sources.first { $0.source == .profile("work") })
        #expect(work.details.contains("saved 2027-01-15T08:00:00Z"))
        let personal = try #require(resolution.sources.first { $0.source == .profile("personal") })
        #expect(personal.details.contains("active (palaver key use)"))
        #expect(personal.details.contains("fallback: work"))
        #expect(resolution.fallbacks.map(\.source) == [.profile("work")])
        try r.file.setActive("default")
        #expect(r.resolve().key?.source == .credentialsFile(r.file.path))
    }

    @Test func fallbackChainsSkipCyclesMissingUnusableAndRejectedKeys() throws {
        let temp = try TemporaryDirectory(prefix: "palaver-prof")
        var r = setUp(temp)
        let file = r.file
        try file.write(Keys.make("d"))
        for name in ["a", "b", "c", "e", "f", "g"] { try file.write(Keys.make(Character(name)), profile: name) }
        try file.write(Keys.make("z"), profile: "bad")
        // d → a → bad (malformed, skipped) → b (rejected, skipped) → c → a (cycle: stop)
        try file.setFallback(of: nil, to: "a")
        try file.setFallback(of: "a", to: "bad")
        try file.setFallback(of: "bad", to: "b")
        try file.setFallback(of: "b", to: "c")
        try file.setFallback(of: "c", to: "a")
        var text = try String(contentsOfFile: file.path, encoding: .utf8)
        text = text.replacingOccurrences(
            of: "api_key = \"\(Keys.make("z"))\"", with: "api_key = \"sk-ant-api03 broken\"")
        try text.write(toFile: file.path, atomically: true, encoding: .utf8)
        chmod(file.path, 0o600)
        r.memory.rememberRejected(Keys.make("b"))
        #expect(r.resolve().fallbacks.map(\.source) == [.profile("a"), .profile("c")])
        // A fallback naming a missing profile ends the chain; a chain stops after four.
        try file.setFallback(of: "c", to: "e")
        try file.setFallback(of: "e", to: "f")
        try file.setFallback(of: "f", to: "g")
        try file.setFallback(of: "g", to: "default")
        r.memory.forget(Keys.make("b"))
        #expect(r.resolve().fallbacks.map(\.source) == [.profile("a"), .profile("b"), .profile("c"), .profile("e")])
        r.profile = "g"
        #expect(
            r.resolve().fallbacks.map(\.source) == [
                .credentialsFile(file.path), .profile("a"), .profile("b"), .profile("c"),
            ])
        try file.remove(profile: "a")
        r.profile = nil
        let dangling = r.resolve()
        #expect(dangling.fallbacks.isEmpty)
        let defaultReport = try #require(dangling.sources.first { $0.source == .credentialsFile(file.path) })
        #expect(defaultReport.details.contains { $0.contains("fallback names profile a, which is not in the file") })
        // A key from the environment has no fallbacks.
        r.environment["ANTHROPIC_API_KEY"] = envKey
        #expect(r.resolve().fallbacks.isEmpty)
    }

    @Test func theStaleVariableTrapSwitchesToTheActiveProfile() throws {
        let temp = try TemporaryDirectory(prefix: "palaver-prof")
        let r = setUp(temp, env: ["ANTHROPIC_API_KEY": envKey])
        try r.file.write(Keys.make("w"), profile: "work")
        try r.file.setActive("work")
        r.memory.rememberRejected(envKey)
        let resolution = r.resolve()
        #expect(resolution.key?.source == .profile("work"))
        #expect(resolution.staleVariableNotice?.contains("from profile work") == true)
    }

    @Test func profileKeysAreRegisteredWithTheRedactor() throws {
        let temp = try TemporaryDirectory(prefix: "palaver-prof")
        let r = setUp(temp)
        let secret = Keys.random()
        try r.file.write(secret, profile: "hidden")
        _ = r.resolve()
        #expect(!Redactor.shared.redact("x \(secret) y").contains(secret))
    }
}

@Suite struct KeyCheckMemoryTests {
    @Test func verificationsAndLimitsAreRememberedByFingerprint() throws {
        let temp = try TemporaryDirectory(prefix: "palaver-mem")
        let memory = RejectedKeyMemory(directory: temp.path)
        let key = Keys.make("v")
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        let limits = RateLimits([
            .tokens: .init(limit: 80_000, remaining: 3_200, reset: Date(timeIntervalSince1970: 1_800_000_600)),
            .requests: .init(limit: 50, remaining: nil, reset: nil),
        ])
        #expect(memory.verifiedAt(key) == nil)
        memory.rememberRejected(key, at: at)
        memory.rememberVerified(key, at: at, rateLimits: limits)
        #expect(memory.rejectedAt(key) == nil) // a verification clears the rejection
        #expect(memory.verifiedAt(key) == at)
        let (seen, when) = try #require(memory.lastRateLimits(key))
        #expect(seen == limits && when == at)
        #expect(memory.verifiedAt(Keys.make("w")) == nil)
        for name in try FileManager.default.contentsOfDirectory(atPath: temp.path) {
            let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: temp.path(name))), as: UTF8.self)
            #expect(!text.contains(key) && !text.contains(String(key.suffix(20))), "\(name) holds the key")
            let info = try FileManager.default.attributesOfItem(atPath: temp.path(name))
            #expect((info[.posixPermissions] as? Int) == 0o600, "\(name)")
        }
        memory.rememberRejected(key, at: at)
        #expect(memory.verifiedAt(key) == nil) // a rejection clears "verified"
        #expect(memory.lastRateLimits(key) != nil)
        memory.rememberRateLimits(key, RateLimits([.outputTokens: .init(limit: 9, remaining: 1)]), at: at)
        #expect(memory.lastRateLimits(key)?.0[.outputTokens]?.remaining == 1)
    }

    @Test func theCheckListIsBoundedAndReadAsUntrusted() throws {
        let temp = try TemporaryDirectory(prefix: "palaver-mem")
        let memory = RejectedKeyMemory(directory: temp.path)
        for i in 0..<40 { memory.rememberVerified(Keys.make("x", length: 50 + i)) }
        #expect(memory.checks().count == RejectedKeyMemory.capacity)
        #expect(memory.verifiedAt(Keys.make("x", length: 89)) != nil)
        #expect(memory.verifiedAt(Keys.make("x", length: 50)) == nil)

        let good = try #require(memory.checks().last)
        let fp = String(repeating: "ab", count: 32)
        let lines = [
            "\(good.fingerprint) 1800000000 -", "\(fp) inf -", "\(fp) - -", "\(fp) 1e300 -", "short 5 -",
            "\(fp) 5 5 tokens=1,2", "\(fp) 5 5 tokens=-9,2,3 requests=1,1,99999999999999999999 weird=1,2,3",
            String(repeating: "\(fp) 5 5 ", count: 3),
        ]
        try (lines.joined(separator: "\n") + "\n").write(
            toFile: temp.path("verified-keys"), atomically: true, encoding: .utf8)
        let checks = memory.checks()
        #expect(
            checks.first
                == RejectedKeyMemory.Check(
                    fingerprint: good.fingerprint, verified: Date(timeIntervalSince1970: 1_800_000_000)))
        let odd = checks.last
        #expect(
            odd?.limits?[.tokens] == RateLimits.Limit(limit: nil, remaining: 2, reset: Date(timeIntervalSince1970: 3)))
        #expect(odd?.limits?[.requests] == RateLimits.Limit(limit: 1, remaining: 1, reset: nil))
        #expect(checks.count == 3) // the good line, "5 5 tokens=1,2" (verified, no limits), the odd one
    }
}

@Suite struct RateLimitsWordingTests {
    @Test func onlyTheKindsAndPartsTheServerSent() {
        let now = Date(timeIntervalSince1970: 1_800_000_000) // 2027-01-15 08:00 UTC
        let limits = RateLimits([
            .tokens: .init(limit: 80_000, remaining: 3_200, reset: Date(timeIntervalSince1970: 1_800_023_520)),
            .outputTokens: .init(limit: nil, remaining: 1_234_567, reset: Date(timeIntervalSince1970: 1_800_100_000)),
            .requests: .init(limit: 50),
        ])
        #expect(
            RateLimitsWording.lines(limits, now: now) == [
                "requests limit 50", "tokens 3,200 of 80,000 left, resets 14:32 UTC",
                "output tokens 1,234,567 left, resets 2027-01-16 11:46 UTC",
            ])
        #expect(RateLimitsWording.lines(RateLimits(), now: now).isEmpty)
        #expect(RateLimitsWording.ago(now.addingTimeInterval(-20), now: now) == "just now")
        #expect(RateLimitsWording.ago(now.addingTimeInterval(-200), now: now) == "3 min ago")
        #expect(RateLimitsWording.ago(now.addingTimeInterval(-7300), now: now) == "2 h ago")
        #expect(RateLimitsWording.ago(now.addingTimeInterval(-90_000), now: now) == "on 2027-01-14 07:00 UTC")
        #expect(RateLimitsWording.grouped(0) == "0" && RateLimitsWording.grouped(999) == "999")
    }
}
