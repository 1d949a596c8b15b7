/// How a WebSocket connection ended.
public struct WebSocketCloseInfo: Sendable, Equatable {
    /// The code from the close frame received (or sent, when this side failed the connection);
    /// `noStatusReceived` for an empty close frame, `abnormalClosure` when none was exchanged.
    public var code: WebSocketCloseCode
    public var reason: String
    /// True when this side started the close (by `close`, a protocol failure, shutdown or a limit).
    public var initiatedLocally: Bool

    public init(code: WebSocketCloseCode, reason: String, initiatedLocally: Bool) {
        self.code = code
        self.reason = reason
        self.initiatedLocally = initiatedLocally
    }
}
