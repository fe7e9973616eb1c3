/// Random ids in the API's shapes: request, message and tool-use ids.
enum IDs {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

    static func random(_ count: Int) -> String {
        var rng = SystemRandomNumberGenerator()
        return String((0..<count).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] })
    }

    static func requestID() -> String { "req_011C" + random(20) }
    static func messageID() -> String { "msg_01" + random(22) }
    static func toolUseID() -> String { "toolu_01" + random(22) }
}
