import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// Errors thrown by `FakeAnthropicServer.start()`.
public enum FakeServerError: Error, CustomStringConvertible {
    case alreadyStarted
    case serverExited(String)

    public var description: String {
        switch self {
        case .alreadyStarted: return "fake-anthropic: start() was already called on this server"
        case .serverExited(let why): return "fake-anthropic: server could not start: \(why)"
        }
    }
}

/// A fake of Anthropic's Messages API served over real HTTP (Hummingbird 2, HTTP/1.1).
///
/// ```swift
/// let server = FakeAnthropicServer(configuration: .init(keys: ["sk-ant-…": .valid]))
/// let port = try await server.start()      // binds 127.0.0.1:0 by default
/// server.state.enqueueFault(.status(529))  // synchronous, thread-safe controls
/// …
/// await server.stop()
/// ```
public final class FakeAnthropicServer: Sendable {
    public let configuration: FakeConfiguration
    /// Synchronous, thread-safe controls (same as the HTTP `/_control` endpoints).
    public let state: FakeState

    private let runtime = Runtime()

    public init(configuration: FakeConfiguration = .init()) {
        self.configuration = configuration
        self.state = FakeState(configuration: configuration)
    }

    /// The bound port, once `start()` returned.
    public var port: Int? { runtime.port }

    /// "http://HOST:PORT" (no path prefix). A wildcard host (0.0.0.0 / ::) shows as loopback.
    public var baseURL: String {
        var host = configuration.host
        if host == "0.0.0.0" || host.isEmpty { host = "127.0.0.1" }
        if host == "::" { host = "::1" }
        if host.contains(":") { host = "[\(host)]" }
        return "http://\(host):\(port ?? configuration.port)"
    }

    /// `baseURL` + the configured path prefix: the base URL an API client should use.
    public var apiBaseURL: String { baseURL + configuration.normalizedPrefix }

    /// Binds and starts serving in a background task. Returns the bound port (the real one
    /// when the configured port is 0). Throws if binding fails or if called twice.
    @discardableResult
    public func start() async throws -> Int {
        guard runtime.claimStart() else { throw FakeServerError.alreadyStarted }

        var logger = Logger(label: "fake-anthropic")
        logger.logLevel = Logger.Level(rawValue: configuration.logLevel.rawValue) ?? .warning

        let responder = FakeResponder(state: state, configuration: configuration)
        let portWaiter = PortWaiter()
        let app = Application(
            responder: responder,
            server: .http1(configuration: .init(additionalChannelHandlers: [ClientGoneHandler()])),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: nil
            ),
            onServerRunning: { [runtime] channel in
                runtime.setListenerClosed(channel.closeFuture)
                portWaiter.resolve(.success(channel.localAddress?.port ?? 0))
            },
            logger: logger
        )
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        state.setStopping(false)
        let task = Task {
            do {
                try await group.run()
                portWaiter.resolve(.failure(FakeServerError.serverExited("server stopped before it was running")))
            } catch {
                portWaiter.resolve(.failure(FakeServerError.serverExited("\(error)")))
            }
        }
        runtime.setTask(task, group: group)
        do {
            let port = try await portWaiter.wait()
            runtime.setPort(port)
            return port
        } catch {
            _ = runtime.takeTask()
            task.cancel()
            _ = await task.result
            throw error
        }
    }

    /// Stops the server: cancels every in-flight request (stalls and slow streams included,
    /// their connections are closed) and returns once the listener is closed. Idempotent.
    public func stop() async {
        guard let (task, group) = runtime.takeTask() else { return }
        // Stalls and delays notice this within ~20 ms and close their connections.
        state.setStopping(true)
        // Fallback: cancel everything if the graceful shutdown takes too long.
        let watchdog = Task {
            try? await Task.sleep(for: .milliseconds(1500))
            if !Task.isCancelled { task.cancel() }
        }
        await group.triggerGracefulShutdown()
        // The listener closes at once; give in-flight responses a moment to end, then cancel the
        // rest (Hummingbird's date cache only notices a graceful shutdown on its next 1 s tick).
        try? await runtime.listenerClosed?.get()
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .milliseconds(500))
        while state.activeResponses() > 0, clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        task.cancel()
        _ = await task.result
        watchdog.cancel()
    }
}

/// The run state of a server, guarded by a `Mutex`.
private final class Runtime: Sendable {
    private struct Values {
        var started = false
        var task: Task<Void, Never>?
        var group: ServiceGroup?
        var boundPort: Int?
        var closeFuture: EventLoopFuture<Void>?
    }

    private let values = Mutex(Values())

    func claimStart() -> Bool {
        values.withLock { v in
            if v.started { return false }
            v.started = true
            return true
        }
    }

    func setTask(_ t: Task<Void, Never>, group g: ServiceGroup) {
        values.withLock { v in
            v.task = t
            v.group = g
        }
    }

    func takeTask() -> (Task<Void, Never>, ServiceGroup)? {
        values.withLock { v in
            guard let t = v.task, let g = v.group else { return nil }
            v.task = nil
            v.group = nil
            return (t, g)
        }
    }

    func setPort(_ p: Int) {
        values.withLock { $0.boundPort = p }
    }

    func setListenerClosed(_ f: EventLoopFuture<Void>) {
        values.withLock { $0.closeFuture = f }
    }

    var listenerClosed: EventLoopFuture<Void>? {
        values.withLock { $0.closeFuture }
    }

    var port: Int? {
        values.withLock { $0.boundPort }
    }
}

/// One-shot hand-over of the bound port (or the start error) to `start()`.
private final class PortWaiter: Sendable {
    private struct Values {
        var result: Result<Int, any Error>?
        var continuation: CheckedContinuation<Int, any Error>?
    }

    private let values = Mutex(Values())

    func resolve(_ r: Result<Int, any Error>) {
        let waiting: CheckedContinuation<Int, any Error>? = values.withLock { v in
            guard v.result == nil else { return nil }
            v.result = r
            defer { v.continuation = nil }
            return v.continuation
        }
        waiting?.resume(with: r)
    }

    func wait() async throws -> Int {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Int, any Error>) in
            let ready: Result<Int, any Error>? = values.withLock { v in
                if let r = v.result { return r }
                v.continuation = c
                return nil
            }
            if let ready { c.resume(with: ready) }
        }
    }
}

/// The server allows half-closure, so a client that goes away only shows up as "input closed".
/// Close the channel then, so that a stalled or slow response notices (`channel.isActive`).
final class ClientGoneHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = Never

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let e = event as? ChannelEvent, e == .inputClosed {
            context.close(promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }
}

/// Request context that keeps the connection's channel (to detect client disconnects and to
/// drop connections on purpose).
struct FakeRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }
}
