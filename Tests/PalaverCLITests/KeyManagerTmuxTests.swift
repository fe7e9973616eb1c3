#if os(Linux)
    import FakeAnthropic
    import Foundation
    import TestSupport
    import Testing

    extension String {
        /// Whether any of `needles` occurs in the string.
        fileprivate func contains(anyOf needles: [String]) -> Bool { needles.contains { contains($0) } }
    }

    /// The key features of issue 13 in the real binary, in a real terminal: switching keys from the
    /// key manager mid-session, failover to a fallback profile, low rate-limit headroom and the
    /// no-credit state.
    extension ChatTmuxTests {
        // MARK: Helpers

        /// A key of the real shape (108 characters) whose masked form ends in `tail` + "AA", so two
        /// keys of one test never share a mask.
        static func key(endingIn tail: String) -> String {
            String(FakeServerHarness.randomKey().dropLast(4)) + tail + "AA"
        }

        /// How palaver shows a key: `sk-ant-…` and its last four characters.
        static func masked(_ key: String) -> String { "sk-ant-…" + String(key.suffix(4)) }

        /// The whole key and pieces of its secret middle (not the `sk-ant-api03-` prefix, not the
        /// last four characters the mask shows).
        static func pieces(of key: String) -> [String] {
            let characters = Array(key)
            let middle = stride(from: 13, to: characters.count - 4 - 12, by: 12).map {
                String(characters[$0..<($0 + 12)])
            }
            return [key] + middle
        }

        /// No piece of any of `keys` on the screen.
        func expectScreenHoldsNo(_ keys: [String], in pane: TmuxPane, sourceLocation: SourceLocation = #_sourceLocation)
        {
            let screen = pane.screen
            for key in keys {
                for piece in Self.pieces(of: key) {
                    #expect(
                        !screen.contains(piece), "a piece of a key is on the screen", sourceLocation: sourceLocation)
                }
            }
        }

        /// No piece of any of `keys` in any file under HOME but credentials.toml, nor on the screen.
        func expectNoLeak(of keys: [String], in pane: TmuxPane, sourceLocation: SourceLocation = #_sourceLocation)
            throws
        {
            for key in keys {
                for piece in Self.pieces(of: key) {
                    #expect(try filesLeaking(piece, in: pane) == [], sourceLocation: sourceLocation)
                }
            }
            expectScreenHoldsNo(keys, in: pane, sourceLocation: sourceLocation)
        }

        /// Writes `~/.config/palaver/credentials.toml` (0600 in a 0700 folder) as `palaver key set`
        /// does: a default key, its fallback profile name and the profiles.
        func writeCredentials(
            in pane: TmuxPane, key: String, fallback: String? = nil, profiles: [(name: String, key: String)] = []
        ) throws {
            let folder = pane.directory.appendingPathComponent(".config/palaver")
            try FileManager.default.createDirectory(
                at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: folder.path)
            var text = "# palaver credentials: keep this file private (mode 0600).\n"
            text += "api_key = \"\(key)\"\nsaved_at = \"2026-12-08T01:00:00Z\"\n"
            if let fallback { text += "fallback = \"\(fallback)\"\n" }
            for profile in profiles {
                text +=
                    "\n[profiles.\(profile.name)]\napi_key = \"\(profile.key)\"\nsaved_at = \"2026-12-08T01:00:00Z\"\n"
            }
            let file = folder.appendingPathComponent("credentials.toml")
            FileManager.default.createFile(atPath: file.path, contents: nil, attributes: [.posixPermissions: 0o600])
            try text.write(to: file, atomically: false, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        }

        /// The POST /v1/messages requests the fake received, oldest first.
        static func messageRequests(_ fake: FakeServerHarness) -> [LoggedRequest] {
            fake.state.requests().filter { $0.method == "POST" && $0.path.hasSuffix("/v1/messages") }
        }

        /// The status bar (the last row).
        static func statusBar(_ pane: TmuxPane) -> String { pane.rows.last ?? "" }

        /// The conversation as shown: every row but the status bar, without the sidebar (what
        /// stands left of the first `│`), so the title listed there does not count as a message.
        static func transcript(_ pane: TmuxPane) -> String {
            pane.rows.dropLast().map { row in
                guard let bar = row.firstIndex(of: "│") else { return row }
                return String(row[row.index(after: bar)...])
            }.joined(separator: "\n")
        }

        /// The messages of `palaver sessions show`: its output from the first `## ` heading on
        /// (above it stands the title, the first prompt again).
        static func storedMessages(_ show: String) -> String {
            guard let first = show.range(of: "## ") else { return "" }
            return String(show[first.lowerBound...])
        }

        /// The composer's line (the row above the status bar).
        static func composerLine(_ pane: TmuxPane) -> String { pane.rows.dropLast().last ?? "" }

        /// The text inside the modal titled `title` (its rows between the borders, joined by single
        /// spaces, so a wrapped sentence reads whole); "" when it is not open.
        static func modalText(_ title: String, in screen: String) -> String {
            let rows = screen.components(separatedBy: "\n").map { Array($0) }
            guard let top = rows.firstIndex(where: { String($0).contains("╭ \(title)") }),
                let left = rows[top].firstIndex(of: "╭"), let right = rows[top].lastIndex(of: "╮")
            else { return "" }
            var words: [String] = []
            for row in rows[(top + 1)...] {
                guard row.count > left, row[left] != "╰" else { break }
                let inner = row[(left + 1)..<min(right, row.count)]
                words += String(inner).split(whereSeparator: { $0 == " " || $0 == "│" }).map(String.init)
            }
            return words.joined(separator: " ")
        }

        /// How often `needle` occurs in `text`.
        static func count(_ needle: String, in text: String) -> Int {
            text.components(separatedBy: needle).count - 1
        }

        /// `palaver ARGUMENTS` run with the pane's HOME (so its store and config), no key.
        func runPalaver(_ arguments: [String], home pane: TmuxPane) async throws -> PalaverProcess.Result {
            var process = try PalaverProcess(baseURL: nil, key: nil)
            defer { process.cleanUp() }
            process.environment = [
                "HOME": pane.directory.path, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8",
            ]
            return try await process.run(arguments)
        }

        // MARK: Issue 13, item 7

        @Test(.enabled(if: ChatTmuxTests.available), .timeLimit(.minutes(2)))
        func switchingToTheSavedKeyFromTheKeyManagerMidSentence() async throws {
            let variableKey = Self.key(endingIn: "v1")
            let fileKey = Self.key(endingIn: "f2")
            try await FakeServerHarness.with(keys: [variableKey, fileKey]) { fake in
                let pane = try TmuxPane(
                    width: 100, height: 30,
                    environment: ["ANTHROPIC_API_KEY": variableKey, "ANTHROPIC_BASE_URL": fake.baseURL])
                try writeCredentials(in: pane, key: fileKey)
                try await launch(pane)
                try await pane.waitFor("● valid")
                #expect(Self.statusBar(pane).contains("\(Self.masked(variableKey)) · ANTHROPIC_API_KEY"))
                pane.type("Half a sentence about")
                try await pane.waitFor("Half a sentence about")

                pane.press("M-k")
                try await pane.waitFor("╭ API keys")
                // The rows are there once the sources were read: the file's key is listed, not in use.
                try await pane.waitUntil("the key manager did not list the credentials file") { screen in
                    Self.modalText("API keys", in: screen).contains(
                        "○ credentials file \(Self.masked(fileKey)) never verified · not used: ANTHROPIC_API_KEY comes first"
                    )
                }
                #expect(
                    Self.modalText("API keys", in: pane.screen).contains(
                        "● ANTHROPIC_API_KEY \(Self.masked(variableKey))"))
                // session, ANTHROPIC_API_KEY, ANTHROPIC_AUTH_TOKEN, api_key_helper, credentials file
                pane.press("Down", "Down", "Down", "Down")
                try await pane.waitFor("u use · v verify")
                pane.press("u")
                try await pane.waitUntil("the manager did not show the saved key in use") { screen in
                    let text = Self.modalText("API keys", in: screen)
                    return text.contains(
                        "● credentials file \(Self.masked(fileKey)) valid · in use: chosen in this session")
                        && text.contains("○ ANTHROPIC_API_KEY \(Self.masked(variableKey))")
                }
                expectScreenHoldsNo([variableKey, fileKey], in: pane)
                pane.press("Escape")
                try await pane.waitUntil("the key manager did not close") { !$0.contains("╭ API keys") }
                // While the notice about the switch shows, the source may be shortened to "file".
                try await pane.waitUntil("the status bar does not show the saved key") { _ in
                    Self.statusBar(pane).contains(
                        anyOf: ["\(Self.masked(fileKey)) · credentials file", "\(Self.masked(fileKey)) · file"])
                }
                #expect(Self.composerLine(pane).hasSuffix("│ Half a sentence about"), "\(pane.screen)")

                pane.type(" zebras")
                pane.press("Enter")
                try await pane.waitFor("You said: Half a sentence about zebras", seconds: 20)
                let sent = Self.messageRequests(fake)
                #expect(sent.count == 1)
                #expect(sent.last?.key == maskKey(fileKey))
                let body = try #require(sent.last?.jsonBody as? [String: Any])
                let messages = try #require(body["messages"] as? [[String: Any]])
                #expect((messages.last?["content"] as? String) == "Half a sentence about zebras")
                // The conversation's title now takes room: the source may be shortened to "file".
                let status = Self.statusBar(pane)
                #expect(
                    status.contains(
                        anyOf: ["\(Self.masked(fileKey)) · credentials file", "\(Self.masked(fileKey)) · file"]),
                    "\(status)")
                try await quit(pane)
                try expectNoLeak(of: [variableKey, fileKey], in: pane)
            }
        }

        @Test(.enabled(if: ChatTmuxTests.available), .timeLimit(.minutes(2)))
        func aRejectedSavedKeyFailsOverToItsFallbackProfileAndTheMessageIsAnsweredOnce() async throws {
            let defaultKey = Self.key(endingIn: "d1")
            let spareKey = Self.key(endingIn: "s2")
            try await FakeServerHarness.with(
                keys: [defaultKey, spareKey], reply: ReplyConfig(text: "Answered by the spare key")
            ) { fake in
                let pane = try TmuxPane(width: 100, height: 30, environment: ["ANTHROPIC_BASE_URL": fake.baseURL])
                try writeCredentials(in: pane, key: defaultKey, fallback: "spare", profiles: [("spare", spareKey)])
                try await launch(pane)
                try await pane.waitFor("● valid")
                #expect(Self.statusBar(pane).contains("\(Self.masked(defaultKey)) · credentials file"))
                fake.state.revokeKey(defaultKey)

                pane.type("Which key answers this?")
                pane.press("Enter")
                try await pane.waitFor("Answered by the spare key", seconds: 20)
                // While the notice about the failover shows, the source may be shortened to "spare".
                try await pane.waitUntil("the status bar does not show the fallback profile") { _ in
                    Self.statusBar(pane).contains(
                        anyOf: ["\(Self.masked(spareKey)) · profile spare", "\(Self.masked(spareKey)) · spare"])
                }
                #expect(Self.statusBar(pane).contains("● valid"))
                let screen = pane.screen
                let transcript = Self.transcript(pane)
                #expect(Self.count("Which key answers this?", in: transcript) == 1, "\(screen)")
                #expect(Self.count("Answered by the spare key", in: transcript) == 1, "\(screen)")
                #expect(!screen.contains("Your API key was rejected"))
                #expect(!screen.contains("waiting for a valid key"))
                #expect(!screen.contains("╭")) // no dialog opened
                let rows = pane.rows
                let question = try #require(rows.firstIndex { $0.contains("Which key answers this?") })
                let answer = try #require(rows.firstIndex { $0.contains("Answered by the spare key") })
                #expect(answer > question)

                let sent = Self.messageRequests(fake)
                #expect(sent.map(\.key) == [maskKey(defaultKey), maskKey(spareKey)])
                #expect(sent.map(\.status) == [401, 200])

                pane.press("M-n")
                try await pane.waitFor("╭ Notices")
                let log = Self.modalText("Notices", in: pane.screen)
                #expect(log.contains("switched to its fallback, \(Self.masked(spareKey)) from profile spare"), "\(log)")
                #expect(log.contains("your message was sent again"), "\(log)")
                expectScreenHoldsNo([defaultKey, spareKey], in: pane)
                pane.press("Escape")
                try await pane.waitUntil("the notice log did not close") { !$0.contains("╭ Notices") }
                try await quit(pane)

                let show = try await runPalaver(["sessions", "show", "1"], home: pane)
                #expect(show.status == 0, "\(show.stderr)")
                let stored = Self.storedMessages(show.stdout)
                #expect(Self.count("## You", in: stored) == 1, "\(show.stdout)")
                #expect(Self.count("## Claude", in: stored) == 1, "\(show.stdout)")
                #expect(Self.count("Which key answers this?", in: stored) == 1, "\(show.stdout)")
                #expect(Self.count("Answered by the spare key", in: stored) == 1, "\(show.stdout)")
                try expectNoLeak(of: [defaultKey, spareKey], in: pane)
            }
        }

        @Test(.enabled(if: ChatTmuxTests.available), .timeLimit(.minutes(2)))
        func lowHeadroomFromTheRateLimitHeadersShowsInTheStatusBarAndOnceInTheLog() async throws {
            let key = Self.key(endingIn: "h3")
            try await FakeServerHarness.with(keys: [key], reply: ReplyConfig(text: "Spending tokens")) { fake in
                let pane = try TmuxPane(
                    width: 100, height: 30,
                    environment: ["ANTHROPIC_API_KEY": key, "ANTHROPIC_BASE_URL": fake.baseURL, "TZ": "UTC"])
                try await launch(pane)
                try await pane.waitFor("● valid")
                #expect(!pane.screen.contains("⚠"))
                // From now on the fake reports 50 of 1000 tokens left, resetting in an hour.
                let reset = Date().addingTimeInterval(3600)
                let rfc3339 = ISO8601DateFormatter()
                let clock = DateFormatter()
                clock.locale = Locale(identifier: "en_US_POSIX")
                clock.timeZone = TimeZone(identifier: "UTC")
                clock.dateFormat = "HH:mm"
                fake.state.setRateLimits(
                    FakeRateLimits(tokens: .init(limit: 1000, remaining: 50, reset: rfc3339.string(from: reset))))

                pane.type("First question")
                pane.press("Enter")
                try await pane.waitFor("Spending tokens", seconds: 20)
                try await pane.waitUntil("the status bar does not warn about the headroom") { _ in
                    Self.statusBar(pane).contains("⚠ tokens 5% left · resets \(clock.string(from: reset))")
                }
                #expect(Self.statusBar(pane).contains("● valid"))
                // A second reply, still low: the warning stays, the notice is not given again.
                pane.type("Second question")
                pane.press("Enter")
                try await pane.waitUntil("the second reply did not come") { Self.count("Spending tokens", in: $0) == 2 }
                try await pane.waitUntil("the second reply did not finish") { !$0.contains("streaming") }
                #expect(Self.statusBar(pane).contains("⚠ tokens 5% left"))

                pane.press("M-n")
                try await pane.waitFor("╭ Notices")
                let log = Self.modalText("Notices", in: pane.screen)
                #expect(Self.count("Rate limit running low", in: log) == 1, "\(log)")
                #expect(log.contains("Rate limit running low: 5% of tokens left (50 of 1000); it resets in"), "\(log)")
                pane.press("Escape")
                try await pane.waitUntil("the notice log did not close") { !$0.contains("╭ Notices") }
                try await quit(pane)
                try expectNoLeak(of: [key], in: pane)
            }
        }

        @Test(.enabled(if: ChatTmuxTests.available), .timeLimit(.minutes(2)))
        func aKeyWithoutCreditShowsNoCreditWithTheBillingLinkAndKeepsTheMessage() async throws {
            let key = Self.key(endingIn: "c4")
            try await FakeServerHarness.with(keys: [key], reply: ReplyConfig(text: "Paid for at last")) { fake in
                let pane = try TmuxPane(
                    width: 100, height: 30, environment: ["ANTHROPIC_API_KEY": key, "ANTHROPIC_BASE_URL": fake.baseURL])
                try await launch(pane)
                try await pane.waitFor("● valid")
                fake.state.setKeyStatus(key, .noCredit)

                pane.type("Please keep this text")
                pane.press("Enter")
                try await pane.waitUntil("the status bar does not say no credit") { _ in
                    Self.statusBar(pane).contains("● no credit")
                }
                #expect(Self.statusBar(pane).contains("add credit: console.anthropic.com/settings/billing"))
                try await pane.waitFor("console.anthropic.com/settings/billing", seconds: 5)
                let screen = pane.screen
                #expect(!screen.contains("● rejected"))
                #expect(!screen.contains("Your API key was rejected"))
                #expect(!screen.contains("An API key is needed"))
                #expect(!screen.contains("╭")) // no dialog opened
                #expect(!screen.contains("waiting for a valid key"))
                #expect(Self.count("Please keep this text", in: Self.transcript(pane)) == 1, "\(screen)")
                // The failed message carries the advice (wrapped in the transcript).
                let transcript = Self.transcript(pane).split(whereSeparator: { $0 == " " || $0 == "\n" })
                    .joined(separator: " ")
                #expect(transcript.contains("✗ The account has no credit left"), "\(screen)")
                #expect(
                    transcript.contains(
                        "The key itself is fine: add credit or fix billing at https://console.anthropic.com/settings/billing"
                    ), "\(screen)")
                #expect(transcript.contains("Your message is kept: Ctrl+R sends it again."), "\(screen)")
                #expect(Self.messageRequests(fake).count == 1)

                // Credit added: Ctrl+R sends the same message again, in place.
                fake.state.setKeyStatus(key, .valid)
                pane.press("C-r")
                try await pane.waitFor("Paid for at last", seconds: 20)
                // The key's health is good again (the failure's notice may still show for a while).
                try await pane.waitUntil("the status bar still says no credit") { _ in
                    let status = Self.statusBar(pane)
                    return status.contains("● valid") && !status.contains("add credit")
                }
                #expect(Self.count("Please keep this text", in: Self.transcript(pane)) == 1, "\(pane.screen)")
                let sent = Self.messageRequests(fake)
                #expect(sent.count == 2)
                let bodies = sent.compactMap(\.body)
                #expect(bodies.count == 2 && bodies.allSatisfy { $0.contains("Please keep this text") })
                try await quit(pane)
                try expectNoLeak(of: [key], in: pane)
            }
        }
    }
#endif
