/// A number of bytes for people: "512 bytes", "64 KiB", "16 MiB".
public struct ByteCount: Sendable, Equatable, CustomStringConvertible {
    public var bytes: Int

    public init(_ bytes: Int) {
        self.bytes = bytes
    }

    public var description: String {
        if bytes >= 1 << 20 && bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes >= 1 << 20 { return "\((Double(bytes) / Double(1 << 20) * 10).rounded() / 10) MiB" }
        if bytes >= 1 << 10 && bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        if bytes >= 1 << 10 { return "\((Double(bytes) / 1024 * 10).rounded() / 10) KiB" }
        return bytes == 1 ? "1 byte" : "\(bytes) bytes"
    }
}
