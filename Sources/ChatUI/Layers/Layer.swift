import ChatCore
import TerminalUI

/// A layer over the chat screen (a dialog, a picker, the search field), as in helix's
/// compositor: layers are pushed on a stack, input goes to the top one first, and each draws
/// itself over the ones beneath. A layer owns its state; a new dialog is one new type.
protocol Layer {
    /// Handles a key, paste or mouse event. What it asks of the app goes into `context`.
    mutating func handle(_ event: InputEvent, context: inout LayerContext) -> LayerResult
    /// Draws the layer over `area`; returns where the terminal cursor goes (a text field's caret).
    func render(in area: Rect, buffer: inout Buffer, context: RenderContext) -> Position?
}

/// What a layer did with an event.
enum LayerResult: Equatable {
    /// Handled: the layers beneath do not see it.
    case consumed
    /// Not for this layer: the one beneath gets it (in the end the chat screen).
    case ignored
    /// Handled, and the layer closes.
    case close
}

/// What a layer sees while handling an event, and what it asks for.
struct LayerContext {
    /// The chat as it is (read only: changes go through ``actions``).
    let chat: ChatState
    /// The screen's size.
    let size: Size
    /// Chat actions to run through the update function, in order.
    var actions: [ChatAction] = []
    /// Effects for the runtime that need no change of the chat state (a search over every conversation).
    var chatEffects: [ChatEffect] = []
    /// Effects for the loop.
    var effects: [UIEffect] = []
    /// Requests to the chat screen beneath.
    var requests: [ScreenRequest] = []
    /// Layers to open on top.
    var push: [any Layer] = []
}

/// What a layer asks of the chat screen.
enum ScreenRequest: Equatable {
    /// Insert text into the composer (an accepted paste).
    case insert(String)
    /// Open a search hit and find the query in it.
    case openHit(SearchHit, query: String)
    /// Copy text to the clipboard (`what`: for the notice).
    case copy(String, what: String)
    /// Export the open conversation.
    case export(ExportFormat)
    /// The transcript search's text changed: find the matches again.
    case searchEdited
    /// Show the next (+1, newer) or previous (-1, older) match.
    case stepSearch(Int)
    /// Edit the earlier prompt `entry` in the composer (Enter sends it as a new version).
    case beginEdit(entry: Int, text: String)
    /// Run a keymap command as if `key` had been pressed (the command palette).
    case run(ChatCommand, key: KeyEvent)
}

/// What a layer needs to draw itself.
struct RenderContext {
    let chat: ChatState
    let theme: Theme
    /// Where the chat screen's panes are.
    let layout: ScreenLayout
}
