/// The application's answer to a valid WebSocket upgrade request.
public enum WebSocketUpgradeDecision: Sendable {
    /// Upgrade, agreeing on `subprotocol` (one the client offered, or nil), then run `handler`
    /// with the open connection. When `handler` returns, the connection is closed with 1000 if
    /// it is still open.
    case accept(subprotocol: String?, handler: @Sendable (WebSocketConnection) async -> Void)
    /// Do not upgrade; answer with this response (401, 403, 404, ...) and close.
    case refuse(HTTPResponse)

    /// Upgrade with no subprotocol.
    public static func accept(_ handler: @escaping @Sendable (WebSocketConnection) async -> Void) -> Self {
        .accept(subprotocol: nil, handler: handler)
    }
}
