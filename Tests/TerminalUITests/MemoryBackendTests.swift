import Testing

@testable import TerminalUI

@Suite struct MemoryBackendTests {
    @Test func injectedInputComesBackInOrder() {
        let backend = MemoryBackend(width: 10, height: 2)
        #expect(backend.readEvent(timeout: .milliseconds(10)) == nil)
        backend.inject(.key(.ctrl("n")), .paste("hi"))
        backend.inject(bytes: Array("\u{1B}[200~a\rb\u{1B}[201~\u{1B}".utf8))
        backend.resize(width: 12, height: 3)
        #expect(backend.readEvent(timeout: nil) == .key(.ctrl("n")))
        #expect(backend.readEvent(timeout: nil) == .paste("hi"))
        #expect(backend.readEvent(timeout: nil) == .paste("a\nb"))
        #expect(backend.readEvent(timeout: nil) == .key(KeyEvent(.escape)))
        #expect(backend.readEvent(timeout: nil) == .resize(Size(width: 12, height: 3)))
        #expect(backend.readEvent(timeout: nil) == nil)
        #expect(backend.size == Size(width: 12, height: 3))
    }

    @Test func enterLeaveAndWaker() throws {
        let backend = MemoryBackend(width: 4, height: 1)
        try backend.enter(TerminalOptions(mouse: false))
        #expect(backend.options?.mouse == false)
        let waker = backend.makeWaker()
        waker.wake()
        waker.wake()
        #expect(backend.wakeCount == 2)
        backend.leave()
        #expect(!backend.isEntered)
    }

    @Test func drawLogRecordsOnlyChanges() {
        let backend = MemoryBackend(width: 20, height: 3)
        let terminal = Terminal(backend: backend)
        var status = "streaming"
        func frame(_ f: inout Frame) {
            f.buffer.setString("Transcript", x: 0, y: 0)
            f.buffer.setString(status, x: 0, y: 2)
        }
        terminal.draw(frame)
        status = "done"
        terminal.draw(frame)
        #expect(backend.drawLog.count == 2)
        #expect(backend.drawLog[1].map(\.text) == ["don", "     "]) // the "e" of "streaming" stays
        #expect(backend.text == "Transcript\n\ndone")
        #expect(backend.flushCount == 2)
    }
}
