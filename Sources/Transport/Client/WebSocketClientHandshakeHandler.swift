/// The loop side of a client's opening handshake: sends the upgrade request, checks the 101
/// answer, then hands the socket to a `WebSocketChannelHandler` with whatever bytes followed.
final class WebSocketClientHandshakeHandler: SocketChannelDelegate {
    private let channel: SocketChannel
    private let key: String
    private let offeredSubprotocols: [String]
    private let configuration: WebSocketConfiguration
    private var parser: HTTPResponseParser
    private var timer: TimerHandle?
    private var completion: ((Result<WebSocketConnection, TransportError>) -> Void)?

    init(
        channel: SocketChannel, key: String, offeredSubprotocols: [String], configuration: WebSocketConfiguration,
        clientConfiguration: HTTPClientConfiguration,
        completion: @escaping (Result<WebSocketConnection, TransportError>) -> Void
    ) {
        self.channel = channel
        self.key = key
        self.offeredSubprotocols = offeredSubprotocols
        self.configuration = configuration
        self.completion = completion
        parser = HTTPResponseParser(configuration: clientConfiguration)
        timer = channel.loop.schedule(after: clientConfiguration.connectTimeout) { [weak self] in
            self?.finish(.failure(TransportError(.timedOut, "no WebSocket handshake answer in time")))
        }
    }

    func start(request: [UInt8]) {
        channel.delegate = self
        do throws(SystemCallError) {
            try channel.activate()
        } catch {
            finish(.failure(TransportError(error)))
            return
        }
        channel.write(request)
    }

    func channelRead(_ channel: SocketChannel, bytes: [UInt8]) {
        parser.append(bytes)
        switch parser.next(isHeadRequest: true) {
        case .needMoreData:
            return
        case .failed(let error):
            finish(.failure(error))
        case .response(let response):
            guard WebSocketHandshake.isValidAcceptResponse(
                status: response.status, headers: response.headers, key: key)
            else {
                finish(.failure(TransportError(
                    .protocolViolation, "the server refused the WebSocket upgrade with status \(response.status)")))
                return
            }
            let subprotocol = response.headers["Sec-WebSocket-Protocol"]
            if let subprotocol, !offeredSubprotocols.contains(subprotocol) {
                finish(.failure(TransportError(.protocolViolation, "the server chose an unoffered subprotocol")))
                return
            }
            let connection = WebSocketConnection(
                loop: channel.loop, configuration: configuration, masksFrames: true, subprotocol: subprotocol,
                remoteAddress: channel.remoteAddress)
            let handler = WebSocketChannelHandler(
                channel: channel, connection: connection, configuration: configuration, role: .client,
                lingerTimeout: configuration.closeTimeout)
            channel.loop.cancel(timer)
            let completion = self.completion
            self.completion = nil
            handler.start(initialBytes: parser.takeBufferedBytes())
            completion?(.success(connection))
        }
    }

    func channelReadEnded(_ channel: SocketChannel) {
        finish(.failure(TransportError(.connectionClosed, "the server closed the connection during the handshake")))
    }

    func channelFlushed(_ channel: SocketChannel) {}

    func channelClosed(_ channel: SocketChannel, error: SystemCallError?) {
        finish(.failure(error.map { TransportError($0) }
            ?? TransportError(.connectionClosed, "the connection closed during the handshake")))
    }

    private func finish(_ result: Result<WebSocketConnection, TransportError>) {
        channel.loop.cancel(timer)
        guard let completion else { return }
        self.completion = nil
        if case .failure = result { channel.close() }
        completion(result)
    }
}
