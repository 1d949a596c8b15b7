/// Limits and timeouts of `HTTPClient` and `WebSocketClient`, with their defaults.
public struct HTTPClientConfiguration: Sendable {
    /// Largest response head (status line and headers) in bytes; beyond it the request fails
    /// with `.responseTooLarge`. Default 64 KiB.
    public var maxResponseHeadBytes = 64 * 1024
    /// Largest response body in bytes, checked from Content-Length or chunk sizes before reading.
    /// Default 64 MiB.
    public var maxResponseBodySize = 64 * 1024 * 1024
    /// Time allowed for the TCP connect (and, for WebSockets, the opening handshake). Default 10 s.
    public var connectTimeout: Duration = .seconds(10)
    /// Time allowed for each response to arrive completely. Default 30 s.
    public var requestTimeout: Duration = .seconds(30)

    public init() {}
    /// Stamps every read with the kernel's receive time, which a WebSocket reader gets as
    /// `WebSocketConnection.lastReceivedMicros`. For load generators: the time is that of arrival, not of when a busy
    /// client thread got round to the socket.
    public var kernelReceiveTimestamps = false
    /// Leaves every acknowledgement to the kernel's delayed-ACK timer instead of sending one per read. For load
    /// generators on the server's own machine, where each ACK costs the server's cores at the moment of delivery.
    public var delayedAcknowledgements = false
}
