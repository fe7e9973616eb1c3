import FakeAnthropic
import Foundation
import TestSupport
import Testing

@Suite("Faults")
struct FaultTests {
    @Test func statusWithHeadersOverHTTP() async throws {
        let fake = try await FakeServerHarness.start()
        defer { Task { await fake.stop() } }
        let queued = try await fake.control(
            "POST", "/_control/faults",
            json: """
                [{"kind":"status","status":429,"headers":{"retry-after":"1","retry-after-ms":"10"},"times":2},
                 {"kind":"status","status":529,"headers":{"x-should-retry":"false"}}]
                """)
        #expect(queued.status == 200, "\(queued.text)")

        // a bad key gets 401 and does not consume a fault
        expectError(
            try await postMessages(fake, json: messagesJSON(), key: "sk-ant-wrong-key-0000"),
            status: 401, type: "authentication_error")
        // a fault for /v1/messages does not hit /v1/models
        #expect(try await getModels(fake).status == 200)

        for _ in 0..<2 {
            let r = try await postMessages(fake, json: messagesJSON())
            expectError(r, status: 429, type: "rate_limit_error")
            #expect(r.headers["retry-after"] == "1")
            #expect(r.headers["retry-after-ms"] == "10")
        }
        let overloaded = try await postMessages(fake, json: messagesJSON(stream: true))
        expectError(overloaded, status: 529, type: "overloaded_error", message: "Overloaded")
        #expect(overloaded.headers["x-should-retry"] == "false")
        #expect(try await postMessages(fake, json: messagesJSON()).status == 200)
        #expect(fake.state.pendingFaults().isEmpty)
        #expect(fake.state.requests().compactMap(\.fault) == [.status, .status, .status])
    }

    @Test func statusDefaultsAndCustomMessage() async throws {
        let fake = try await FakeServerHarness.start()
        defer { Task { await fake.stop() } }
        fake.state.enqueueFaults([
            .status(500),
            .status(401, message: "token expired"),
            .status(503, errorType: "overloaded_error", path: "*"),
        ])
        expectError(try await postMessages(fake, json: messagesJSON()), status: 500, type: "api_error")
        expectError(
            try await postMessages(fake, json: messagesJSON()), status: 401, type: "authentication_error",
            message: "token expired")
        expectError(try await getModels(fake), status: 503, type: "overloaded_error")
    }

    @Test func htmlAndEmptyBodies() async throws {
        let fake = try await FakeServerHarness.start()
        defer { Task { await fake.stop() } }
        let html = "<html><body><h1>502 Bad Gateway</h1></body></html>"
        fake.state.enqueueFault(.rawBody(status: 502, body: html))
        fake.state.enqueueFault(.rawBody(status: 503, body: ""))
        let r = try await postMessages(fake, json: messagesJSON())
        #expect(r.status == 502)
        #expect(r.text == html)
        #expect(r.headers["content-type"]?.hasPrefix("text/html") == true)
        #expect(r.headers["request-id"]?.hasPrefix("req_") == true)
        let empty = try await postMessages(fake, json: messagesJSON())
        #expect(empty.status == 503)
        #expect(empty.body.isEmpty)
        #expect(empty.complete)
    }

    @Test func streamError() async throws {
        let fake = try await FakeServerHarness.start()
        defer { Task { await fake.stop() } }
        let posted = try await ControlClient.post(
            baseURL: fake.baseURL, "/_control/faults", Fault.streamError(afterEvents: 2))
        #expect(posted.status == 200)
        let r = try await postMessages(fake, json: messagesJSON(stream: true))
        #expect(r.status == 200)
        #expect(r.complete) // the stream ends cleanly after the error event
        let events = parseSSE(r.text)
        #expect(textDeltas(events).count == 2)
        let last = try #require(events.last)
        #expect(last.event == "error")
        let obj = try #require(last.json)
        #expect(obj["type"] as? String == "error")
        let err = obj["error"] as? [String: Any]
        #expect(err?["type"] as? String == "overloaded_error")
        #expect(err?["message"] as? String == "Overloaded")
        #expect(obj["request_id"] as? String == r.headers["request-id"])
        #expect(!events.contains { $0.event == "message_stop" })

        // non-streaming requests get it as an HTTP status
        fake.state.enqueueFault(.streamError(errorType: "api_error"))
        expectError(try await postMessages(fake, json: messagesJSON()), status: 500, type: "api_error")
    }

    @Test func dropMidStream() async throws {
        let fake = try await FakeServerHarness.start()
        defer { Task { await fake.stop() } }
        fake.state.enqueueFault(.drop(afterEvents: 2))
        let r = try await postMessages(fake, json: messagesJSON(stream: true))
        #expect(r.status == 200)
        #expect(!r.complete)
        #expect(!r.timedOut)
        let events = parseSSE(r.text)
        #expect(textDeltas(events).count == 2)
        #expect(!events.contains { $0.event == "message_stop" })
        // the server is fine afterwards
        #expect(try await postMessages(fake, json: messagesJSON(stream: true)).complete)
    }

    @Test func dropRightAfterHeadersAndBeforeHeaders() async throws {
        let fake = try await FakeServerHarness.start()
        defer { Task { await fake.stop() } }
        fake.state.enqueueFault(.drop(afterEvents: 0))
        let r = try await postMessages(fake, json: messagesJSON(stream: true))
        #expect(r.status == 200)
        #expect(r.body.isEmpty)
        #expect(!r.complete && !r.timedOut)

        fake.state.enqueueFault(.drop(afterEvents: -1))
        let none = try await postMessages(fake, json: messagesJSON(stream: true))
        #expect(none.status == 0) // no response head at all
        #expect(!none.timedOut)
    }

    @Test func dropNonStreaming() async throws {
        let fake = try await FakeServerHarness.start()
        defer { Task { await fake.stop() } }
        fake.state.enqueueFault(.drop(afterEvents: 1))
        let r = try await postMessages(fake, json: messagesJSON())
        #expect(r.status == 200)
        #expect(!r.complete)
        let declared = Int(r.headers["content-length"] ?? "") ?? 0
        #expect(r.body.count > 0 && r.body.count < declared)
        #expect(r.json == nil)

        fake.state.enqueueFault(Fault(kind: .drop, path: "/v1/models"))
        let models = try await getModels(fake)
        #expect(models.status == 200 && !models.complete && models.body.isEmpty)
    }

    @Test func stallMidStream() async throws {
        let fake = try await FakeServerHarness.start(reply: ReplyConfig(pingEvery: 1))
        defer { Task { await fake.stop() } }
        // Margins are wide: on a loaded machine the bytes before the stall can arrive late and
        // bunched, which shortens the gap the client sees.
        fake.state.enqueueFault(.stall(seconds: 2, afterEvents: 1))
        let r = try await postMessages(fake, json: messagesJSON(stream: true))
        #expect(r.status == 200)
        #expect(r.complete) // continues normally afterwards
        #expect(textDeltas(parseSSE(r.text)).joined() == "Hello from fake-anthropic. You said: hello there")
        #expect(r.longestGap >= 1.0, "no bytes (not even pings) during the stall: \(r.arrivals)")
        #expect(r.longestGap < 8)
    }

    @Test func stallBeforeFirstEventAndNonStreaming() async throws {
        let fake = try await FakeServerHarness.start()
        defer { Task { await fake.stop() } }
        // Generous margins: the suite runs in parallel on two cores, so timings stretch.
        fake.state.enqueueFault(.stall(seconds: 3))
        let r = try await postMessages(fake, json: messagesJSON(stream: true))
        #expect(r.status == 200 && r.complete)
        #expect(r.headerSeconds < 2.0) // headers first, well before the stall ends
        #expect(r.longestGap >= 2.5) // then silence

        fake.state.enqueueFault(.stall(seconds: 0.6))
        let plain = try await postMessages(fake, json: messagesJSON())
        #expect(plain.status == 200 && plain.complete)
        #expect(plain.headerSeconds >= 0.5) // non-streaming: nothing at all during the stall

        // a client read timeout shorter than the stall sees no bytes
        fake.state.enqueueFault(.stall(seconds: 1.5))
        let timedOut = try await postMessages(fake, json: messagesJSON(), timeout: 0.4)
        #expect(timedOut.timedOut)
        #expect(timedOut.status == 0)
        #expect(await eventually { fake.state.activeResponses() == 0 })
    }

    @Test func stallEndsWhenClientDisconnects() async throws {
        let fake = try await FakeServerHarness.start()
        defer { Task { await fake.stop() } }
        fake.state.enqueueFault(.stall(seconds: 30))
        let r = try await postMessages(fake, json: messagesJSON(stream: true), disconnectAfterHead: true)
        #expect(r.status == 200)
        #expect(await eventually(timeout: 10) { fake.state.activeResponses() == 0 }) // well below the 30 s stall
        // the server still answers
        #expect(try await postMessages(fake, json: messagesJSON()).status == 200)
    }

    @Test func stopReturnsPromptlyDuringStall() async throws {
        let fake = try await FakeServerHarness.start()
        fake.state.enqueueFault(.stall(seconds: 30, afterEvents: 1))
        let port = fake.port
        let client = Task {
            try await RawHTTPClient.api(
                port: port, path: "/v1/messages", key: FakeServerHarness.defaultKey,
                json: messagesJSON(stream: true), timeout: 20)
        }
        #expect(await eventually { fake.state.requests().first?.status == 200 && fake.state.activeResponses() == 1 })
        try await Task.sleep(for: .milliseconds(200))
        let clock = ContinuousClock()
        let started = clock.now
        await fake.stop()
        let took = started.duration(to: clock.now)
        #expect(took < .seconds(10), "stop() took \(took)") // the stall lasts 30 s
        let r = try await client.value
        #expect(r.status == 200)
        #expect(!r.complete)
        #expect(!r.timedOut)
        #expect(textDeltas(parseSSE(r.text)).count == 1)
        // stopped means stopped
        try await expectStopped(fake, path: "/v1/messages", json: messagesJSON())
    }

    @Test func faultPathsAndControlValidation() async throws {
        let fake = try await FakeServerHarness.start()
        defer { Task { await fake.stop() } }
        let countFault = try await fake.control(
            "POST", "/_control/faults",
            json: "{\"kind\":\"status\",\"status\":429,\"path\":\"/v1/messages/count_tokens\"}")
        #expect(countFault.status == 200)
        #expect(try await postMessages(fake, json: messagesJSON()).status == 200)
        let count = try await RawHTTPClient.api(
            port: fake.port, path: "/v1/messages/count_tokens",
            key: FakeServerHarness.defaultKey, json: messagesJSON(maxTokens: nil))
        expectError(count, status: 429, type: "rate_limit_error")

        let listed = try await fake.control(
            "POST", "/_control/faults", json: "{\"kind\":\"drop\",\"after_events\":3,\"times\":2}")
        #expect(listed.status == 200)
        let pending = try await fake.control("GET", "/_control/faults")
        let arr = pending.json as? [[String: Any]]
        #expect(arr?.count == 1)
        #expect(arr?.first?["kind"] as? String == "drop")
        #expect(arr?.first?["after_events"] as? Int == 3)
        #expect(arr?.first?["times"] as? Int == 2)
        #expect(try await fake.control("DELETE", "/_control/faults").status == 200)
        #expect(fake.state.pendingFaults().isEmpty)

        for bad in [
            "{\"kind\":\"explode\"}", "{\"kind\":\"drop\",\"afterEvents\":1}", "{\"status\":500}",
            "{\"kind\":\"status\"}", "{\"kind\":\"drop\",\"times\":0}", "not json",
        ] {
            let r = try await fake.control("POST", "/_control/faults", json: bad)
            #expect(r.status == 400, "\(bad) → \(r.status) \(r.text)")
        }
        #expect(fake.state.pendingFaults().isEmpty)
    }
}
