import Foundation

/// Keys of the right shape for tests.
enum Keys {
    static func make(_ fill: Character, length: Int = 93) -> String {
        "sk-ant-api03-" + String(repeating: fill, count: length) + "AA"
    }
}
