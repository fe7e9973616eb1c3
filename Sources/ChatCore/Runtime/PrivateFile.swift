import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes a file only its owner can read (mode 0600, like the rest of palaver's files),
/// atomically: a temporary file beside it (created 0600 by `mkstemp`), written whole, synced,
/// then renamed over the target. A reader never sees half a file, a crash leaves the old file
/// (or none), and an existing file readable by others is replaced by a private one.
public enum PrivateFile {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public static func write(_ bytes: some Collection<UInt8>, to path: String) throws(Failure) {
        let directory = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        var template = Array(((directory.isEmpty ? "." : directory) + "/." + name + ".palaver-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw Failure(
                description:
                    "cannot create a file in \(directory.isEmpty ? "." : directory): \(String(cString: strerror(errno)))"
            )
        }
        let temporary = String(cString: template)
        var failure: String?
        let data = Array(bytes)
        var written = 0
        while written < data.count, failure == nil {
            let n = data[written...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                failure = "cannot write \(path): \(String(cString: strerror(errno)))"
            } else {
                written += n
            }
        }
        if failure == nil, fchmod(fd, 0o600) != 0 || fsync(fd) != 0 {
            failure = "cannot write \(path): \(String(cString: strerror(errno)))"
        }
        close(fd)
        if failure == nil, rename(temporary, path) != 0 {
            failure = "cannot write \(path): \(String(cString: strerror(errno)))"
        }
        if let failure {
            unlink(temporary)
            throw Failure(description: failure)
        }
    }
}
