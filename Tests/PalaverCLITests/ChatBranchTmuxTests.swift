#if os(Linux)
    import FakeAnthropic
    import Foundation
    import TestSupport
    import Testing

    /// Shaping a conversation in the real binary, in a real terminal (issue 14, item 8): editing an
    /// earlier prompt into a new version, switching back to the old branch, regenerating a reply;
    /// what is shown, what is stored and what is sent.
    extension ChatTmuxTests {
        // MARK: Helpers

        /// The message chooser's panel (above the composer): its header (" ▶ You  ‹ 2/2 › …") and
        /// the chosen message's text; nil when it is not open.
        static func chosen(_ pane: TmuxPane) -> (header: String, text: String)? {
            let rows = transcript(pane).components(separatedBy: "\n")
            guard let top = rows.lastIndex(where: { $0.contains(" ▶ You") || $0.contains(" ▶ Claude") }),
                top + 1 < rows.count
            else { return nil }
            return (rows[top], rows[top + 1].trimmingCharacters(in: .whitespaces))
        }

        /// Presses ↑ until the panel shows the message `role` ("You" or "Claude") whose text starts
        /// with `text`, waiting for the panel to change after each press (at most `limit` presses).
        func choose(
            _ role: String, _ text: String, in pane: TmuxPane, limit: Int = 8,
            sourceLocation: SourceLocation = #_sourceLocation
        ) async throws {
            func isTarget(_ panel: (header: String, text: String)?) -> Bool {
                guard let panel else { return false }
                return panel.header.contains("▶ \(role)") && panel.text.hasPrefix(text)
            }
            for _ in 0..<limit {
                let before = Self.chosen(pane)
                if isTarget(before) { return }
                pane.press("Up")
                try await pane.waitUntil("↑ did not move the message chooser", sourceLocation: sourceLocation) { _ in
                    let now = Self.chosen(pane)
                    return now != nil && (now?.header != before?.header || now?.text != before?.text)
                }
            }
            try await pane.waitUntil("the chooser never reached \(role): \(text)", seconds: 1) { _ in
                isTarget(Self.chosen(pane))
            }
        }

        /// Sends `prompt` and waits until its echoed reply has finished streaming.
        func send(_ prompt: String, in pane: TmuxPane, expecting reply: String? = nil) async throws {
            pane.type(prompt)
            try await pane.waitFor(prompt)
            pane.press("Enter")
            let reply = reply ?? "You said: \(prompt)"
            try await pane.waitUntil("the reply to \(prompt.debugDescription) did not finish", seconds: 20) { screen in
                Self.transcript(pane).contains(reply) && !screen.contains("streaming")
            }
        }

        /// Closes the chooser with Esc and waits until its panel is gone.
        func closeChooser(_ pane: TmuxPane) async throws {
            pane.press("Escape")
            try await pane.waitUntil("the message chooser did not close") { _ in Self.chosen(pane) == nil }
        }

        /// The row of the transcript's header just above the row holding `text` (its first line).
        static func header(above text: String, in transcript: String) -> String? {
            let rows = transcript.components(separatedBy: "\n")
            guard let row = rows.firstIndex(where: { $0.contains(text) }), row > 0 else { return nil }
            return rows[row - 1]
        }

        /// The `messages` of a logged request's JSON body: (role, text) each.
        static func sentMessages(_ request: LoggedRequest) throws -> [(role: String, text: String)] {
            let body = try #require(request.jsonBody as? [String: Any])
            let messages = try #require(body["messages"] as? [[String: Any]])
            return messages.map { message in
                let role = message["role"] as? String ?? "?"
                if let text = message["content"] as? String { return (role, text) }
                let blocks = message["content"] as? [[String: Any]] ?? []
                return (role, blocks.compactMap { $0["text"] as? String }.joined())
            }
        }

        // MARK: Issue 14, item 8

        @Test(.enabled(if: ChatTmuxTests.available), .timeLimit(.minutes(2)))
        func editingTheFirstPromptBranchesAndLeftSwitchesBackToTheOldBranch() async throws {
            try await FakeServerHarness.with(reply: ReplyConfig(chunkChars: 5, delayMs: 5)) { fake in
                let pane = try pane(fake)
                try await launch(pane)
                try await pane.waitFor("Type a message below")
                try await pane.waitFor("● valid")
                try await send("Tell me about owls", in: pane)
                try await send("And their eyes?", in: pane)

                // ↑ from the empty composer: the newest message first, then up to the first prompt.
                pane.press("Up")
                try await pane.waitUntil("↑ did not open the message chooser") { _ in
                    Self.chosen(pane)?.header.contains("▶ Claude") == true
                }
                #expect(Self.chosen(pane)?.text.contains("You said: And their eyes?") == true, "\(pane.screen)")
                try await choose("You", "Tell me about owls", in: pane)
                pane.press("e")
                try await pane.waitFor("editing an earlier message")
                try await pane.waitUntil("the composer did not take the prompt's text") { _ in
                    Self.chosen(pane) == nil && Self.composerLine(pane).contains("Tell me about owls")
                }
                pane.press("C-u")
                try await pane.waitUntil("Ctrl+U did not clear the composer") { _ in
                    !Self.composerLine(pane).contains("Tell me about owls")
                }
                pane.type("Tell me about cats")
                try await pane.waitUntil("the composer did not show the new text") { _ in
                    Self.composerLine(pane).contains("Tell me about cats")
                }
                pane.press("Enter")
                try await pane.waitUntil("the edited prompt's reply did not finish", seconds: 20) { screen in
                    Self.transcript(pane).contains("You said: Tell me about cats") && !screen.contains("streaming")
                }
                try await pane.waitUntil("the editing hint stayed") { !$0.contains("editing an earlier message") }

                // Only the new branch: the edited prompt (‹ 2/2 ›) and its reply.
                var shown = Self.transcript(pane)
                #expect(Self.header(above: "Tell me about cats", in: shown)?.contains("▌You") == true, "\(shown)")
                #expect(Self.header(above: "Tell me about cats", in: shown)?.contains("‹ 2/2 ›") == true, "\(shown)")
                #expect(Self.count("Tell me about cats", in: shown) == 2, "\(shown)") // the prompt and the echo
                #expect(!shown.contains("owls"), "\(shown)")
                #expect(!shown.contains("their eyes"), "\(shown)")
                #expect(Self.count("▌You", in: shown) == 1, "\(shown)")
                #expect(Self.count("▌Claude", in: shown) == 1, "\(shown)")

                // ← on the edited prompt: the owls branch is back, both exchanges.
                try await choose("You", "Tell me about cats", in: pane)
                #expect(Self.chosen(pane)?.header.contains("‹ 2/2 ›") == true, "\(pane.screen)")
                pane.press("Left")
                try await pane.waitUntil("← did not bring the old branch back") { _ in
                    let shown = Self.transcript(pane)
                    return shown.contains("Tell me about owls") && shown.contains("‹ 1/2 ›") && !shown.contains("cats")
                }
                // The chooser stays on the message whose version was switched, so → would go back.
                #expect(Self.chosen(pane)?.text == "Tell me about owls", "\(pane.screen)")
                try await closeChooser(pane)
                shown = Self.transcript(pane)
                #expect(Self.header(above: "Tell me about owls", in: shown)?.contains("‹ 1/2 ›") == true, "\(shown)")
                #expect(shown.contains("You said: Tell me about owls"), "\(shown)")
                #expect(Self.header(above: "And their eyes?", in: shown)?.contains("▌You") == true, "\(shown)")
                #expect(shown.contains("You said: And their eyes?"), "\(shown)")
                #expect(Self.count("‹", in: shown) == 1, "\(shown)") // only the first prompt has versions
                #expect(Self.count("▌You", in: shown) == 2, "\(shown)")
                #expect(Self.count("▌Claude", in: shown) == 2, "\(shown)")
                try await quit(pane)

                // The store: the active path is the owls branch; the first prompt names the cats version.
                let show = try await runPalaver(["sessions", "show", "1"], home: pane)
                #expect(show.status == 0, "\(show.stderr)")
                let stored = Self.storedMessages(show.stdout)
                #expect(stored.contains("## You ‹ 1/2 ›\nTell me about owls\n"), "\(show.stdout)")
                #expect(
                    stored.contains("(1 other version of this message: 2/2 \"Tell me about cats\")"), "\(show.stdout)")
                #expect(stored.contains("\n## You\nAnd their eyes?\n"), "\(show.stdout)")
                #expect(Self.count("## You", in: stored) == 2, "\(show.stdout)")
                #expect(Self.count("## Claude", in: stored) == 2, "\(show.stdout)")
                #expect(Self.count("You said: Tell me about cats", in: stored) == 0, "\(show.stdout)")

                // What was sent: the edited prompt went alone (the active path), not after the old exchanges.
                let sent = Self.messageRequests(fake)
                #expect(sent.count == 3)
                if sent.count == 3 {
                    #expect(try Self.sentMessages(sent[1]).map(\.role) == ["user", "assistant", "user"])
                    let edited = try Self.sentMessages(sent[2])
                    #expect(edited.map(\.role) == ["user"])
                    #expect(edited.map(\.text) == ["Tell me about cats"])
                }
            }
        }

        @Test(.enabled(if: ChatTmuxTests.available), .timeLimit(.minutes(2)))
        func regeneratingAReplyKeepsEveryVersionAndSendsThePromptOnce() async throws {
            try await FakeServerHarness.with(reply: ReplyConfig(text: "First answer about owls", delayMs: 5)) { fake in
                let pane = try pane(fake)
                try await launch(pane)
                try await pane.waitFor("Type a message below")
                try await pane.waitFor("● valid")
                try await send("Tell me about owls", in: pane, expecting: "First answer about owls")

                // Alt+R: a second reply beside the first.
                fake.state.setReply(ReplyConfig(text: "Second answer about owls", delayMs: 5))
                pane.press("M-r")
                try await pane.waitUntil("Alt+R did not regenerate the reply", seconds: 20) { screen in
                    Self.transcript(pane).contains("Second answer about owls") && !screen.contains("streaming")
                }
                var shown = Self.transcript(pane)
                #expect(
                    Self.header(above: "Second answer about owls", in: shown)?.contains("‹ 2/2 ›") == true, "\(shown)")
                #expect(!shown.contains("First answer"), "\(shown)")
                #expect(Self.count("Tell me about owls", in: shown) == 1, "\(shown)") // no duplicate prompt

                // `r` on the chosen reply: a third.
                fake.state.setReply(ReplyConfig(text: "Third answer about owls", delayMs: 5))
                pane.press("Up")
                try await pane.waitUntil("↑ did not choose the reply") { _ in
                    Self.chosen(pane)?.header.contains("▶ Claude") == true
                }
                #expect(Self.chosen(pane)?.header.contains("‹ 2/2 ›") == true, "\(pane.screen)")
                pane.press("r")
                try await pane.waitUntil("r did not regenerate the reply", seconds: 20) { screen in
                    Self.transcript(pane).contains("Third answer about owls") && !screen.contains("streaming")
                }
                shown = Self.transcript(pane)
                #expect(
                    Self.header(above: "Third answer about owls", in: shown)?.contains("‹ 3/3 ›") == true, "\(shown)")
                #expect(!shown.contains("Second answer"), "\(shown)")

                // ← on the chosen reply shows the second version.
                pane.press("Up")
                try await pane.waitUntil("↑ did not choose the reply") { _ in
                    Self.chosen(pane)?.header.contains("‹ 3/3 ›") == true
                }
                // (A reply streamed in this session has its stored id too: it arrives with the reply.)
                pane.press("Left")
                try await pane.waitUntil("← did not show the second version", seconds: 10) { _ in
                    Self.chosen(pane)?.header.contains("‹ 2/3 ›") == true
                }
                try await closeChooser(pane)
                try await quit(pane)

                // Reopened from the store: the second version is still the active one.
                pane.tmux("send-keys", "-t", "pane", "clear", "Enter")
                try await launch(pane)
                try await pane.waitFor("● valid")
                try await pane.waitFor("answer about owls")
                pane.press("Up")
                try await pane.waitUntil("↑ did not choose the reply") { _ in
                    Self.chosen(pane)?.header.contains("▶ Claude") == true
                }
                if Self.chosen(pane)?.header.contains("‹ 3/3 ›") == true { pane.press("Left") }
                try await pane.waitUntil("← did not show the second version") { _ in
                    Self.chosen(pane)?.header.contains("‹ 2/3 ›") == true
                }
                try await closeChooser(pane)
                shown = Self.transcript(pane)
                #expect(
                    Self.header(above: "Second answer about owls", in: shown)?.contains("‹ 2/3 ›") == true, "\(shown)")
                #expect(!shown.contains("Third answer"), "\(shown)")
                #expect(!shown.contains("First answer"), "\(shown)")
                try await quit(pane)

                let show = try await runPalaver(["sessions", "show", "1"], home: pane)
                #expect(show.status == 0, "\(show.stderr)")
                let stored = Self.storedMessages(show.stdout)
                #expect(stored.contains("## Claude ‹ 2/3 ›\nSecond answer about owls\n"), "\(show.stdout)")
                #expect(
                    stored.contains(
                        "(2 other versions of this message: 1/3 \"First answer about owls\", 3/3 \"Third answer about owls\")"
                    ), "\(show.stdout)")
                #expect(Self.count("## You", in: stored) == 1, "\(show.stdout)")

                // Each regeneration sent the prompt alone, never the old reply.
                let sent = Self.messageRequests(fake)
                #expect(sent.count == 3)
                for request in sent {
                    let messages = try Self.sentMessages(request)
                    #expect(messages.map(\.role) == ["user"])
                    #expect(messages.map(\.text) == ["Tell me about owls"])
                }
            }
        }
    }
#endif
