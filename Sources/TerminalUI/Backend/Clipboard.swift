import Foundation

/// The terminal clipboard through OSC 52: works over SSH, and inside tmux when
/// `set-clipboard` is on.
public enum Clipboard {
    /// Terminals (and tmux) drop longer OSC 52 payloads; this many bytes of text fit everywhere common.
    public static let maximumBytes = 100_000

    /// The sequence that puts `text` on the clipboard (`ESC ] 52 ; c ; base64 BEL`), or nil
    /// when the text is too long to send this way.
    public static func osc52(_ text: String) -> [UInt8]? {
        let data = Data(text.utf8)
        guard data.count <= maximumBytes else { return nil }
        return Array("\u{1B}]52;c;".utf8) + Array(data.base64EncodedString().utf8) + [0x07]
    }
}
