/// Opens client WebSocket connections (RFC 6455): frames are masked, messages validated as on
/// the server, and the returned `WebSocketConnection` is the same type the server hands out.
public enum WebSocketClient {
    /// Connects, performs the opening handshake and returns the open connection.
    /// - Parameters:
    ///   - target: the request target, such as `/v1/stream?access_token=...`.
    ///   - subprotocols: offered in `Sec-WebSocket-Protocol`; the chosen one is `subprotocol`.
    public static func connect(
        host: String = "127.0.0.1", port: Int, target: String = "/", headers: HTTPHeaders = HTTPHeaders(),
        subprotocols: [String] = [], configuration: WebSocketConfiguration = WebSocketConfiguration(),
        clientConfiguration: HTTPClientConfiguration = HTTPClientConfiguration(),
        eventLoopGroup: EventLoopGroup = .shared
    ) async throws -> WebSocketConnection {
        guard let address = SocketAddress(host: host, port: port) else {
            throw TransportError(.invalidAddress, "cannot connect to \(host) port \(port)")
        }
        let loop = eventLoopGroup.next()
        let channel: LoopBound<SocketChannel>
        do {
            channel = try await SocketConnector.connect(
                to: address, on: loop, timeout: clientConfiguration.connectTimeout)
        } catch let error as SystemCallError {
            throw TransportError(error)
        }
        let key = WebSocketHandshake.makeKey()
        var requestHeaders = headers
        requestHeaders.replaceOrAdd(name: "Upgrade", value: "websocket")
        requestHeaders.replaceOrAdd(name: "Connection", value: "Upgrade")
        requestHeaders.replaceOrAdd(name: "Sec-WebSocket-Key", value: key)
        requestHeaders.replaceOrAdd(name: "Sec-WebSocket-Version", value: "13")
        if !subprotocols.isEmpty {
            requestHeaders.replaceOrAdd(name: "Sec-WebSocket-Protocol", value: subprotocols.joined(separator: ", "))
        }
        let request = HTTPRequestSerializer.serialize(
            HTTPRequest(method: "GET", target: target, headers: requestHeaders), host: address.description)
        return try await withCheckedThrowingContinuation { continuation in
            loop.execute {
                channel.value.setMeasurementOptions(
                    receiveTimestamps: clientConfiguration.kernelReceiveTimestamps,
                    delayedAcknowledgements: clientConfiguration.delayedAcknowledgements)
                let handshake = WebSocketClientHandshakeHandler(
                    channel: channel.value, key: key, offeredSubprotocols: subprotocols, configuration: configuration,
                    clientConfiguration: clientConfiguration
                ) { result in
                    continuation.resume(with: result)
                }
                handshake.start(request: request)
            }
        }
    }
}
