/// Why a message was not queued for sending.
public struct WebSocketSendError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The kinds of send failure.
    public enum Code: Sendable, Equatable {
        /// The connection is closing or closed.
        case closed
        /// Queuing the message would pass `maxOutboundBufferedBytes`; the connection is now
        /// being closed with 1008.
        case outboundBufferLimitExceeded
    }

    public let code: Code

    public var description: String {
        switch code {
        case .closed: "the WebSocket connection is closed"
        case .outboundBufferLimitExceeded: "the WebSocket outbound buffer limit was exceeded"
        }
    }
}
