/// Every limit and timeout of the HTTP server, with the default each starts from.
public struct HTTPServerConfiguration: Sendable {
    /// Longest request line (method, target, version) in bytes; beyond it the answer is 414
    /// (or 400 when the method itself is too long). Default 8 KiB.
    public var maxRequestLineLength = 8 * 1024
    /// Largest header section (all header lines and their CRLFs) in bytes; beyond it, 431.
    /// Default 32 KiB.
    public var maxHeaderBytes = 32 * 1024
    /// Most header fields in one request; beyond it, 431. Default 100.
    public var maxHeaderCount = 100
    /// Largest request body in bytes, decided from Content-Length or each chunk size before the
    /// body is read; beyond it, 413. Default 16 MiB.
    public var maxBodySize = 16 * 1024 * 1024
    /// Longest chunk-size line (size and extensions) in bytes; beyond it, 400. Default 1 KiB.
    public var maxChunkLineLength = 1024
    /// Time from the first byte of a request to the end of its head; then 408 and close.
    /// This is what stops a slowloris client from holding a connection. Default 10 s.
    public var headerReadTimeout: Duration = .seconds(10)
    /// Time from the end of a head to the end of its body; then 408 and close. Default 60 s.
    public var bodyReadTimeout: Duration = .seconds(60)
    /// Time a keep-alive connection may wait for its next request before it is closed.
    /// Default 60 s.
    public var idleTimeout: Duration = .seconds(60)
    /// How long a closing connection keeps reading (and discarding) after its last write, so the
    /// final response is not lost to a reset. Default 2 s.
    public var lingerTimeout: Duration = .seconds(2)
    /// Most open connections; further ones are accepted and closed at once. Default 10,000.
    public var maxConnections = 10_000
    /// The listen backlog. Default 1,024.
    public var listenBacklog: Int32 = 1024
    /// How long `shutdown` waits for requests in progress and WebSocket close handshakes before
    /// closing what is left. Default 5 s.
    public var shutdownGracePeriod: Duration = .seconds(5)
    /// Limits and timers of upgraded WebSocket connections.
    public var webSocket = WebSocketConfiguration()
    /// The kernel send buffer of each accepted socket (SO_SNDBUF); nil keeps the system's autotuning. Smaller
    /// values make a stalled reader visible to the application's outbound limits sooner. Default nil.
    public var socketSendBufferBytes: Int?
    /// Builds the responses the server sends on its own (400, 408, 413, 414, 431, 426, 501, 503, 505), so that an
    /// application can give them its error body. Default: the bare status with an empty body.
    public var refusalResponse: @Sendable (Int) -> HTTPResponse = { HTTPResponse(status: $0) }

    public init() {}
}
