import ChatCore

extension ChatApp {
    /// What handling one event produced: effects for the runtime and effects for the loop.
    public struct Output: Equatable {
        public var chat: [ChatEffect] = []
        public var ui: [UIEffect] = []

        public init(chat: [ChatEffect] = [], ui: [UIEffect] = []) {
            self.chat = chat
            self.ui = ui
        }

        public static func += (lhs: inout Output, rhs: Output) {
            lhs.chat += rhs.chat
            lhs.ui += rhs.ui
        }
    }
}
