/// Limits and timers of one WebSocket connection, server or client side.
public struct WebSocketConfiguration: Sendable {
    /// Largest message (all fragments together) in bytes; beyond it the connection is closed with
    /// 1009, decided from frame headers before the payload is read. Default 16 MiB, which the
    /// conformance suite's largest messages need; endpoints that expect small messages lower it.
    public var maxMessageSize = 16 * 1024 * 1024
    /// Most bytes queued for sending and not yet taken by the kernel; a send beyond it closes the
    /// connection with 1008 (policy violation), so a peer that stops reading cannot make the
    /// process hold unbounded memory. Default 4 MiB.
    public var maxOutboundBufferedBytes = 4 * 1024 * 1024
    /// Most bytes of received messages waiting for the application to take them from `messages`;
    /// above it the socket is not read until the application catches up. Default 1 MiB.
    public var maxInboundBufferedBytes = 1024 * 1024
    /// Time without any frame from the peer after which a ping is sent; nil disables keepalive.
    /// Default 30 s.
    public var pingInterval: Duration? = .seconds(30)
    /// Time to wait for any frame after a keepalive ping before dropping the connection.
    /// Default 10 s.
    public var pingTimeout: Duration = .seconds(10)
    /// Time to wait for the peer's close frame after sending ours before dropping the connection.
    /// Default 5 s.
    public var closeTimeout: Duration = .seconds(5)

    public init() {}
}
