import ArgumentParser
import FakeAnthropic
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@main
struct FakeAnthropicCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fake-anthropic",
        abstract: "A fake of Anthropic's Messages API for tests and demos (loopback only by default).",
        discussion: """
            Prints one line to stdout once listening: "fake-anthropic listening on http://HOST:PORT".
            Keys come from --key (repeatable) and FAKE_ANTHROPIC_KEYS (comma-separated).
            Control it over HTTP under /_control (keys, faults, reply, models, ratelimits, requests,
            reset, health).
            Stops on SIGINT or SIGTERM.

            Faults (POST /_control/faults, or --fault / FAKE_ANTHROPIC_FAULTS at start; JSON, one
            object or an array; each applies to the next matching request, "times" requests):
              status       HTTP "status" with the JSON error ("error_type", "message", "headers"),
                           or a raw "body" with "content_type" (HTML page, plain text, "" empty)
              stream_error an `event: error` ("error_type", "message") after "after_events" deltas
              drop, stall  close the connection / send nothing for "stall_seconds"
              headers      the normal answer plus "headers", e.g. {"retry-after": "inf"}
              redirect     3xx "status" (default 302) to "location"
              gzip         the answer gzip-compressed, labelled "content_encoding" (default gzip)
              pings        after "after_events" deltas a ping every "interval_ms", forever
              trickle      after "after_events" deltas the rest one byte every "interval_ms"
              huge_line    after "after_events" deltas one data: line of "size_mb" MiB
              huge_body    a JSON body of "size_mb" MiB ("status" >= 400: an error)
              wrong_shape  valid JSON of the wrong shape ("body" to choose it)
            Common fields: "path" ("/v1/messages" default, "/v1/models",
            "/v1/messages/count_tokens", "*" any), "times" (default 1), "headers".
            Example: curl -s localhost:8089/_control/faults -d '{"kind":"status","status":429,"headers":{"retry-after":"inf"}}'
            """
    )

    @Option(name: .long, help: "Port to listen on (0 = pick a free one).")
    var port: Int = 8089

    @Option(name: .long, help: "Host to bind (loopback unless --allow-remote).")
    var host: String = "127.0.0.1"

    @Flag(name: .long, help: "Allow binding a non-loopback host.")
    var allowRemote = false

    @Option(name: .customLong("key"), help: "An API key to accept (repeatable).")
    var keys: [String] = []

    @Option(name: .long, help: "Path prefix for the API, e.g. /anthropic.")
    var prefix: String = ""

    @Option(name: .long, help: "Fixed reply text (default: echo the last user message).")
    var replyText: String?

    @Option(name: .long, help: "Delay between streamed deltas, in milliseconds.")
    var delayMs: Int = 0

    @Option(name: .long, help: "Characters per streamed delta.")
    var chunkChars: Int = 8

    @Flag(name: .long, help: "Stop when the process that started this one ends (for palaver --demo).")
    var exitWithParent = false

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "warning"

    @Option(
        name: .customLong("fault"),
        help:
            "A fault (JSON object or array, as POST /_control/faults takes) queued at start (repeatable; also FAKE_ANTHROPIC_FAULTS)."
    )
    var faults: [String] = []

    @Option(
        name: .customLong("rate-limits"),
        help:
            "The anthropic-ratelimit-* headers sent on every answer (JSON as POST /_control/ratelimits takes, e.g. {\"tokens\":{\"limit\":1000,\"remaining\":40,\"reset\":\"2026-12-08T14:32:00Z\"}})."
    )
    var rateLimits: String?

    /// Reads fault JSON as `POST /_control/faults` takes it: one object or an array.
    static func decodeFaults(_ text: String) throws -> [Fault] {
        let data = Data(text.utf8)
        let decoder = JSONDecoder()
        if let many = try? decoder.decode([Fault].self, from: data) { return many }
        do {
            return [try decoder.decode(Fault.self, from: data)]
        } catch {
            throw ValidationError("a fault is not valid fault JSON (\(error)): \(text.prefix(200))")
        }
    }

    static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased()
        return h == "localhost" || h == "::1" || h == "[::1]" || h.hasPrefix("127.")
    }

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0...65535") }
        guard chunkChars >= 1 else { throw ValidationError("--chunk-chars must be at least 1") }
        guard delayMs >= 0 else { throw ValidationError("--delay-ms must be 0 or more") }
        guard FakeLogLevel(rawValue: logLevel) != nil else {
            throw ValidationError(
                "--log-level must be one of \(FakeLogLevel.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let rateLimits {
            do {
                _ = try FakeRateLimits.decode(json: rateLimits)
            } catch {
                throw ValidationError("--rate-limits: \(error.message)")
            }
        }
        if !Self.isLoopback(host) && !allowRemote {
            throw ValidationError("refusing to bind non-loopback host '\(host)' without --allow-remote")
        }
    }

    func run() async throws {
        let startFaults = try Self.startFaults(faults)
        let allKeys = Self.startKeys(keys)
        let config = configuration(keys: allKeys)

        // Handle SIGINT/SIGTERM ourselves.
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let stopSignal = StopSignal()
        let sources = [SIGINT, SIGTERM].map { sig -> any DispatchSourceSignal in
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { stopSignal.fire() }
            source.resume()
            return source
        }

        let server = FakeAnthropicServer(configuration: config)
        do {
            try await server.start()
        } catch {
            FileHandle.standardError.write(Data("fake-anthropic: \(error)\n".utf8))
            throw ExitCode(1)
        }
        server.state.enqueueFaults(startFaults)
        Self.announce(server, keys: allKeys, level: config.logLevel)

        if exitWithParent {
            let parent = getppid()
            Task.detached {
                while getppid() == parent { try? await Task.sleep(for: .milliseconds(500)) }
                stopSignal.fire()
            }
        }
        await stopSignal.wait()
        await server.stop()

        withExtendedLifetime(sources) {}
    }

    /// The faults queued at start: each --fault, then FAKE_ANTHROPIC_FAULTS (bad JSON exits 2).
    private static func startFaults(_ faults: [String]) throws -> [Fault] {
        var startFaults: [Fault] = []
        for text in faults + [ProcessInfo.processInfo.environment["FAKE_ANTHROPIC_FAULTS"]].compactMap({ $0 })
        where !text.isEmpty {
            do {
                startFaults += try Self.decodeFaults(text)
            } catch {
                FileHandle.standardError.write(Data("fake-anthropic: \(error)\n".utf8))
                throw ExitCode(2)
            }
        }
        return startFaults
    }

    /// The valid keys at start: each --key, then the comma-separated FAKE_ANTHROPIC_KEYS, empty ones left out.
    private static func startKeys(_ keys: [String]) -> [String] {
        var allKeys = keys
        if let env = ProcessInfo.processInfo.environment["FAKE_ANTHROPIC_KEYS"] {
            allKeys += env.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        }
        return allKeys.filter { !$0.isEmpty }
    }

    private func configuration(keys allKeys: [String]) -> FakeConfiguration {
        var keyTable: [String: FakeKeyStatus] = [:]
        for k in allKeys { keyTable[k] = .valid }
        var bindHost = host
        if bindHost == "[::1]" { bindHost = "::1" }
        return FakeConfiguration(
            host: bindHost,
            port: port,
            keys: keyTable,
            reply: ReplyConfig(text: replyText, chunkChars: chunkChars, delayMs: delayMs),
            pathPrefix: prefix,
            logLevel: FakeLogLevel(rawValue: logLevel) ?? .warning,
            rateLimits: rateLimits.flatMap { try? FakeRateLimits.decode(json: $0) } ?? FakeRateLimits()
        )
    }

    /// The listening line on standard output (unbuffered, so scripts can read the port right away),
    /// then a warning when no keys are set and, at info level or below, the API base URL and masked keys.
    private static func announce(_ server: FakeAnthropicServer, keys allKeys: [String], level: FakeLogLevel) {
        FileHandle.standardOutput.write(Data("fake-anthropic listening on \(server.baseURL)\n".utf8))

        if allKeys.isEmpty {
            FileHandle.standardError.write(
                Data(
                    "fake-anthropic: warning: no keys configured; every API request gets 401 until a key is added (POST /_control/keys)\n"
                        .utf8))
        }
        if level.rawValue == "info" || level.rawValue == "debug" || level.rawValue == "trace" {
            let masked = allKeys.map(maskKey).joined(separator: ", ")
            FileHandle.standardError.write(
                Data("fake-anthropic: API base URL \(server.apiBaseURL); keys: [\(masked)]\n".utf8))
        }
    }
}

/// Resumes the waiter once a signal arrived.
final class StopSignal: Sendable {
    private struct Values {
        var fired = false
        var continuation: CheckedContinuation<Void, Never>?
    }

    private let values = Mutex(Values())

    func fire() {
        let waiting: CheckedContinuation<Void, Never>? = values.withLock { v in
            v.fired = true
            defer { v.continuation = nil }
            return v.continuation
        }
        waiting?.resume()
    }

    func wait() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let fired = values.withLock { v in
                if !v.fired { v.continuation = c }
                return v.fired
            }
            if fired { c.resume() }
        }
    }
}
