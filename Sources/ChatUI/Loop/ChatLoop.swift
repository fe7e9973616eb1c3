import ChatCore
import Foundation
import TerminalUI

/// The one loop that owns the screen: it merges input, runtime results and timer ticks, runs
/// the app's update, and draws at most 60 frames a second (a burst of stream deltas costs one frame).
public struct ChatLoop {
    public var backend: any TerminalBackend
    public var runtime: ChatRuntime
    public var inbox: Inbox
    /// How long after the last edit the draft is saved.
    public var draftDelay: Duration = .milliseconds(1500)
    /// A pause in input this long ends the composer's current undo step (as a new word does).
    public var undoPause: Duration = .seconds(1)
    /// The wall-clock time ticks carry (tests pass a fixed clock).
    public var now: @Sendable () -> Date = Date.init
    /// Where `$VISUAL` / `$EDITOR` (and `PATH`) are read for editing the draft in an editor.
    public var environment: [String: String] = ProcessInfo.processInfo.environment

    public init(backend: any TerminalBackend, runtime: ChatRuntime, inbox: Inbox) {
        self.backend = backend
        self.runtime = runtime
        self.inbox = inbox
    }

    /// Runs until the user quits or a termination signal arrives (returned: the caller ends the
    /// process as it would have, once the terminal is back). The terminal is given back on
    /// return and on throw; the draft is saved on both ways out.
    @discardableResult
    public func run(_ app: inout ChatApp, resume: ConversationID?, options: TerminalOptions = TerminalOptions()) throws
        -> Int32?
    {
        try backend.enter(options)
        defer { backend.leave() }
        inbox.connect(backend.makeWaker())
        app.ui.size = backend.size
        let terminal = Terminal(backend: backend)
        let clock = ContinuousClock()
        var pacer = FramePacer<ContinuousClock.Instant>(framesPerSecond: 60)
        pacer.markDirty()
        runtime.perform(app.start(resume: resume))
        var nextTick = clock.now
        var lastEdit = clock.now

        let effects = UIEffectRunner(
            backend: backend, terminal: terminal,
            editor: ExternalEditor(environment: environment, directory: runtime.paths.stateDirectory + "/tmp"),
            handover: backend as? any TerminalHandover)
        var quitSignal: Int32?
        var quitRequested = false
        while !quitRequested {
            if let signal = inbox.receivedQuitSignal {
                quitSignal = signal
                takeTypeahead(&app)
                break
            }
            let results = inbox.drain()
            if !results.isEmpty {
                for action in results { runtime.perform(app.apply(action)) }
                pacer.markDirty()
            }
            var now = clock.now
            if now >= nextTick {
                runtime.perform(app.apply(.tick(self.now())))
                if lastEdit.duration(to: now) >= draftDelay, let save = app.takeDraftSave() { runtime.perform(save) }
                let busy = app.chat.isStreaming || app.chat.keyPrompt?.phase == .verifying
                nextTick = now + (busy ? .milliseconds(125) : .seconds(1))
                pacer.markDirty()
            }
            var timeout = now.duration(to: nextTick)
            switch pacer.decide(now: now) {
            case .drawNow:
                if app.ui.size != backend.size { app.ui.size = backend.size }
                terminal.draw { app.render(into: &$0) }
                pacer.didDraw(at: now)
            case .wait(let delay):
                timeout = min(timeout, delay)
            case .idle:
                break
            }
            guard let event = backend.readEvent(timeout: max(.zero, timeout)) else { continue }
            now = clock.now
            if case .resize = event {
                terminal.invalidate()
            } else {
                if lastEdit.duration(to: now) >= undoPause { app.ui.composer.endUndoGroup() }
                lastEdit = now
            }
            let output = app.handle(event)
            runtime.perform(output.chat)
            quitRequested = effects.run(output.ui, on: &app)
            pacer.markDirty()
        }
        finish(&app)
        return quitSignal
    }

    /// Keys typed just before a signal that the loop has not read yet: they belong in the draft.
    /// Only what is already waiting is read (a bounded number of events, no waiting), and only
    /// its edits count: nothing is sent, no dialog opens.
    private func takeTypeahead(_ app: inout ChatApp) {
        for _ in 0..<100_000 {
            guard let event = backend.readEvent(timeout: .zero) else { return }
            app.takeTypeahead(event)
        }
    }

    /// Quitting: save the draft (a queued message not sent goes back into it), stop requests (their
    /// text so far is stored, marked interrupted; at most 3 s are given to them), and wait for the store.
    private func finish(_ app: inout ChatApp) {
        app.takeBackQueued() // a queued message not sent yet is kept as the draft
        if let save = app.takeDraftSave() { runtime.perform(save) }
        runtime.cancelAll()
        _ = runtime.waitUntilIdle(timeout: .seconds(3))
        runtime.flush()
    }
}
