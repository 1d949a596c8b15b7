import Glibc

/// A failed system call on a file: which call, on which path, and the `errno` it set.
///
/// Callers that need to react to a specific condition (for example `ENOSPC`) compare `errno`; everyone else logs
/// `description`.
public struct FileError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The system call that failed, for example `"fdatasync"`.
    public let operation: String
    /// The path the call was made on (the directory for a directory sync).
    public let path: String
    /// The `errno` value the call reported.
    public let errno: Int32

    public init(operation: String, path: String, errno: Int32) {
        self.operation = operation
        self.path = path
        self.errno = errno
    }

    public var description: String {
        "\(operation)(\(path)) failed: \(String(cString: strerror(errno))) (errno \(errno))"
    }
}
