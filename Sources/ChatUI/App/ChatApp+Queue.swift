import ChatCore

/// The message queued while a reply streams, on the terminal side: taking it back puts its text
/// into the composer, and the draft is saved with it.
extension ChatApp {
    /// Takes the queued message back into the composer (Esc, and on the way out so that a
    /// message never sent is kept as the draft); false when none is queued.
    @discardableResult
    public mutating func takeBackQueued() -> Bool {
        guard chat.queuedTurn != nil else { return false }
        _ = send(.unqueue)
        ui.draftDirty = true
        return true
    }
}
