/// An error at the module's public seam: what went wrong, in a code callers can switch on,
/// and a message for logs. System call failures keep the call's name and errno.
public struct TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kinds of failure.
    public enum Code: Sendable, Equatable {
        /// The host is not a numeric IPv4/IPv6 address (or `localhost`), or the port is out of range.
        case invalidAddress
        /// The server is shutting down or stopped, so it cannot start listening.
        case notRunning
        /// A system call failed (bind, connect, ...); see `systemCallError`.
        case systemCall
        /// The connection closed before the exchange was complete.
        case connectionClosed
        /// The peer sent bytes that do not follow the protocol (a bad response, a bad handshake).
        case protocolViolation
        /// A response was larger than the client's configured limit.
        case responseTooLarge
        /// The operation took longer than its configured timeout.
        case timedOut
    }

    public let code: Code
    public let message: String
    /// The underlying system call failure, for `.systemCall`.
    public let systemCallError: SystemCallError?

    public init(_ code: Code, _ message: String, systemCallError: SystemCallError? = nil) {
        self.code = code
        self.message = message
        self.systemCallError = systemCallError
    }

    init(_ error: SystemCallError) {
        self.init(.systemCall, error.description, systemCallError: error)
    }

    public var description: String { "\(code): \(message)" }
}
