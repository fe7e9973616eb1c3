#if os(Linux)
    import FakeAnthropic
    import Foundation
    import TestSupport
    import Testing

    /// A message sent while a reply streams, in the real binary: queued (and shown so), sent
    /// once after the reply, never lost on quit.
    extension ChatTmuxTests {
        /// The prompts of the fake's POST /v1/messages, in order: each request's last user text.
        func prompts(_ fake: FakeServerHarness) -> [String] {
            fake.state.requests().filter { $0.path == "/v1/messages" && $0.method == "POST" }.compactMap { request in
                guard let body = request.jsonBody as? [String: Any],
                    let messages = body["messages"] as? [[String: Any]],
                    let last = messages.last
                else { return nil }
                if let text = last["content"] as? String { return text }
                let blocks = last["content"] as? [[String: Any]] ?? []
                return blocks.compactMap { $0["text"] as? String }.joined()
            }
        }

        @Test(.enabled(if: ChatTmuxTests.available), .timeLimit(.minutes(2)))
        func aMessageQueuedDuringAStreamArrivesOnceAfterTheReply() async throws {
            // The default reply echoes the prompt: "… You said: <prompt>", slowly.
            try await FakeServerHarness.with(reply: ReplyConfig(chunkChars: 2, delayMs: 80)) { fake in
                let pane = try pane(fake)
                try await launch(pane)
                try await pane.waitFor("Type a message below")
                pane.type("first question")
                pane.press("Enter")
                try await pane.waitFor("Hello from")
                try await pane.waitFor("Enter queues")
                pane.type("second question")
                pane.press("Enter")
                try await pane.waitFor("queued: sent when the reply ends")
                #expect(prompts(fake) == ["first question"]) // not sent while the first reply streams

                try await pane.waitFor("You said: second question", seconds: 30)
                try await pane.waitUntil("the second reply did not finish") {
                    !$0.contains("streaming") && $0.contains("Enter sends")
                }
                #expect(prompts(fake) == ["first question", "second question"]) // once
                let screen = pane.screen
                #expect(!screen.contains("queued:"))
                // In order: the first exchange whole, then the queued message and its reply.
                let rows = pane.rows
                let firstReply = try #require(rows.firstIndex { $0.contains("You said: first question") })
                let second = try #require(rows.firstIndex { $0.contains("second question") && !$0.contains("said") })
                #expect(firstReply < second, "\(screen)")
                #expect(rows.filter { $0.contains("You said: second question") }.count == 1)
                // The second request carried the first exchange complete.
                let bodies = fake.state.requests().filter { $0.path == "/v1/messages" }.compactMap(\.body)
                #expect(bodies.last?.contains("You said: first question") == true)

                // Queued and then quit: the text is the draft next time.
                pane.type("third question")
                pane.press("Enter")
                try await pane.waitFor("Enter queues")
                pane.type("never sent")
                pane.press("Enter")
                try await pane.waitFor("queued: sent when the reply ends")
                pane.press("C-q")
                try await pane.waitFor("y / Enter quits")
                pane.press("y")
                try await pane.waitFor("exit=0")
                try await pane.expectTerminalRestored()
                #expect(!prompts(fake).contains("never sent"))
                pane.type("clear")
                pane.press("Enter")
                try await launch(pane)
                try await pane.waitFor("never sent")
                #expect(!pane.screen.contains("queued:"))
                try await quit(pane)
            }
        }
    }
#endif
