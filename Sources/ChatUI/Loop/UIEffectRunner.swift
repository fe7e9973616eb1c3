import TerminalUI

/// Performs the loop's side of ``UIEffect``s: terminal writes, redraws, theme files. Handlers
/// only return the effects; this runs them, on the loop's thread.
struct UIEffectRunner {
    /// The terminal the sequences go to; nil drops them (tests without a terminal).
    var backend: (any TerminalBackend)?
    var terminal: Terminal?
    /// Runs `$VISUAL` / `$EDITOR` with the terminal lent to it; nil: no terminal to lend.
    var editor: ExternalEditor?
    var handover: (any TerminalHandover)?

    /// Runs `effects` in order; returns whether one asked to quit.
    @discardableResult
    func run(_ effects: [UIEffect], on app: inout ChatApp) -> Bool {
        var quit = false
        for effect in effects {
            switch effect {
            case .quit:
                quit = true
            case .redraw:
                terminal?.invalidate()
            case .writeToTerminal(let sequence):
                backend?.writeSequence(sequence)
            case .listThemes:
                if let themes = app.themes { app.showThemePicker(names: themes.names()) }
            case .loadTheme(let name):
                if let themes = app.themes { app.useTheme(themes.load(name: name), keep: true) }
            case .previewTheme(let name):
                if let themes = app.themes { app.previewTheme(themes.load(name: name)) }
            case .editDraft:
                guard let editor, let handover else {
                    app.editorFinished(.failed("No terminal to lend to an editor here."))
                    continue
                }
                let outcome = editor.edit(app.ui.composer.text, suspend: handover.suspend, resume: handover.resume)
                terminal?.invalidate() // the editor drew over the screen
                app.editorFinished(outcome)
            }
        }
        return quit
    }
}
