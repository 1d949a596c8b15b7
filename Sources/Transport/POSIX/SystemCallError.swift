import Glibc

/// A failed system call: the call's name and the `errno` it left, so a log line says what broke.
public struct SystemCallError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The name of the failing call, such as `"bind"`.
    public let call: String
    /// The `errno` value the call reported.
    public let errno: Int32

    public init(call: String, errno: Int32) {
        self.call = call
        self.errno = errno
    }

    public var description: String {
        "\(call) failed: \(String(cString: strerror(errno))) (errno \(errno))"
    }
}
