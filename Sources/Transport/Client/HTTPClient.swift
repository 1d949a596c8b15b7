/// A keep-alive HTTP/1.1 client connection. Requests may be sent one by one (`send`) or
/// pipelined (`send(_: [HTTPRequest])`); responses come back in order. I/O runs on an event
/// loop, never on the cooperative pool, so thousands of clients cost no threads.
public final class HTTPClient: Sendable {
    /// The `host:port` used for the Host header.
    public let authority: String
    private let handler: LoopBound<HTTPClientChannelHandler>

    private init(authority: String, handler: LoopBound<HTTPClientChannelHandler>) {
        self.authority = authority
        self.handler = handler
    }

    deinit {
        let handler = self.handler
        handler.loop.execute { handler.value.close() }
    }

    /// Opens a connection to a numeric address (or `localhost`).
    public static func connect(
        host: String = "127.0.0.1", port: Int, configuration: HTTPClientConfiguration = HTTPClientConfiguration(),
        eventLoopGroup: EventLoopGroup = .shared
    ) async throws -> HTTPClient {
        guard let address = SocketAddress(host: host, port: port) else {
            throw TransportError(.invalidAddress, "cannot connect to \(host) port \(port)")
        }
        let loop = eventLoopGroup.next()
        let channel: LoopBound<SocketChannel>
        do {
            channel = try await SocketConnector.connect(to: address, on: loop, timeout: configuration.connectTimeout)
        } catch let error as SystemCallError {
            throw TransportError(error)
        }
        let handler = try await loop.submit {
            let handler = HTTPClientChannelHandler(channel: channel.value, configuration: configuration)
            channel.value.delegate = handler
            try channel.value.activate()
            return LoopBound(handler, loop: loop)
        }
        return HTTPClient(authority: address.description, handler: handler)
    }

    /// Sends one request and waits for its response.
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await send([request])[0]
    }

    /// `GET target`.
    public func get(_ target: String, headers: HTTPHeaders = HTTPHeaders()) async throws -> HTTPResponse {
        try await send(HTTPRequest(method: "GET", target: target, headers: headers))
    }

    /// Pipelines the requests in one write and returns their responses in the same order.
    public func send(_ requests: [HTTPRequest]) async throws -> [HTTPResponse] {
        var bytes: [UInt8] = []
        for request in requests { bytes += HTTPRequestSerializer.serialize(request, host: authority) }
        return try await exchange(raw: bytes, headRequests: requests.map { $0.method == "HEAD" })
    }

    /// Writes bytes as they are and reads `headRequests.count` responses: for tests that must
    /// send what a well-behaved client never would.
    func exchange(raw bytes: [UInt8], headRequests: [Bool]) async throws -> [HTTPResponse] {
        let handler = self.handler
        return try await withCheckedThrowingContinuation { continuation in
            handler.loop.execute {
                handler.value.exchange(bytes, headRequests: headRequests) { result in
                    continuation.resume(with: result)
                }
            }
        }
    }

    /// Closes the connection; outstanding requests fail with `.connectionClosed`.
    public func close() async {
        let handler = self.handler
        try? await handler.loop.submit { handler.value.close() }
    }
}
