/// Every key binding, as the help screen lists them. The keymap in ``ChatApp`` handles each
/// (a test presses every one).
public enum KeyBindings {
    public struct Binding: Sendable, Equatable {
        public var keys: String
        public var action: String
    }

    public struct Section: Sendable {
        public var title: String
        public var bindings: [Binding]
    }

    public static let sections: [Section] = [
        Section(title: "Composer", bindings: [
            Binding(keys: "Enter", action: "send the message"),
            Binding(keys: "Alt+Enter  Ctrl+J", action: "new line"),
            Binding(keys: "←/→  Ctrl+←/→  Alt+B/F", action: "move by character / word"),
            Binding(keys: "Home/End  Ctrl+A/E", action: "start / end of line"),
            Binding(keys: "↑/↓", action: "move by line; on the first/last line, earlier prompts"),
            Binding(keys: "Ctrl+W  Alt+D  Ctrl+U/K", action: "delete word back / forward, to line start / end"),
            Binding(keys: "paste", action: "arrives as one edit; very large pastes ask first"),
        ]),
        Section(title: "Transcript", bindings: [
            Binding(keys: "PgUp/PgDn  mouse wheel", action: "scroll"),
            Binding(keys: "Alt+↑/↓", action: "scroll one line"),
            Binding(keys: "Ctrl+Home/End", action: "oldest / newest (Home/End too when the composer is empty)"),
            Binding(keys: "Esc", action: "stop the reply that is streaming (the text so far stays)"),
            Binding(keys: "Ctrl+R", action: "send the last message again"),
            Binding(keys: "/ (empty composer)  Ctrl+F", action: "find in this conversation (Enter/↑ older, ↓ newer)"),
            Binding(keys: "Ctrl+Y", action: "copy the last reply (OSC 52)"),
            Binding(keys: "F7", action: "copy a chosen reply, message or code block"),
            Binding(keys: "F9", action: "export this conversation (Markdown or JSON)"),
        ]),
        Section(title: "Conversations", bindings: [
            Binding(keys: "Ctrl+N", action: "new conversation"),
            Binding(keys: "Ctrl+B", action: "show / hide the sidebar"),
            Binding(keys: "Tab", action: "move between the composer and the sidebar"),
            Binding(keys: "Enter (sidebar)", action: "open the selected conversation"),
            Binding(keys: "F2  r (sidebar)", action: "rename"),
            Binding(keys: "F8  Del (sidebar)", action: "delete (asks first)"),
            Binding(keys: "F5", action: "search every conversation"),
            Binding(keys: "F3  Ctrl+O", action: "choose the model"),
            Binding(keys: "F4  Ctrl+G", action: "system prompt of this conversation"),
        ]),
        Section(title: "Everywhere", bindings: [
            Binding(keys: "F1  ? (empty composer)", action: "this help"),
            Binding(keys: "F6", action: "choose the colour theme"),
            Binding(keys: "F10  Alt+K", action: "enter a new API key (the status bar says when one is needed)"),
            Binding(keys: "Ctrl+L", action: "redraw the screen"),
            Binding(keys: "Ctrl+C", action: "stop a streaming reply, else quit"),
            Binding(keys: "Ctrl+Q", action: "quit (asks while a reply streams)"),
        ]),
    ]
}
