// A minimal full-screen program for the tmux test of the ncurses backend: it draws a wide
// character, shows the last input event, and quits on `q` (or dies by a signal).
import TerminalUI

#if canImport(Glibc)
    import Glibc
#endif

var pidFile: String?
var crash = false
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    if argument == "--pid-file" { pidFile = arguments.popFirst() }
    if argument == "--crash" { crash = true } // trap after the first frame
}

TerminalRestore.installHandlers()
let backend = NCursesBackend()
do {
    try backend.enter(TerminalOptions())
} catch {
    print("tui-smoke: \(error)")
    exit(1)
}
if let pidFile {
    let text = "\(getpid())\n"
    let f = fopen(pidFile, "w")
    fputs(text, f)
    fclose(f)
}

let terminal = Terminal(backend: backend)
var last = "none"
var editor = TextEditor(placeholder: "type here")

@MainActor func draw() {
    terminal.draw { frame in
        let area = frame.area
        frame.buffer.setString("tui-smoke 中文 ok", x: 0, y: 0, style: Style(foreground: .green, attributes: [.bold]))
        frame.buffer.setString("size: \(area.width)x\(area.height) colours: \(backend.colorDepth)", x: 0, y: 1)
        frame.buffer.setString("last: \(last)", x: 0, y: 2)
        let status = StatusLine(
            left: [Span(" q quits ")], right: [Span(" smoke ")], style: Style(attributes: [.reverse]))
        status.render(in: area.row(area.height - 1), buffer: &frame.buffer)
        frame.cursor = editor.render(in: Rect(x: 0, y: 4, width: area.width, height: 2), buffer: &frame.buffer)
    }
}

draw()
if crash { fatalError("tui-smoke: crashing on purpose") }
loop: while true {
    guard let event = backend.readEvent(timeout: nil) else { continue }
    switch event {
    case .key(let key) where key == .char("q"):
        break loop
    case .key(let key):
        last = "key \(key)"
        _ = editor.handle(key, width: backend.size.width)
    case .paste(let text):
        last = "paste \(text.count) characters"
        editor.insert(text)
    case .mouse(let mouse):
        last = "mouse \(mouse.kind) at \(mouse.x),\(mouse.y)"
    case .resize(let size):
        last = "resize \(size.width)x\(size.height)"
    }
    draw()
}
backend.leave()
print("tui-smoke: bye")
