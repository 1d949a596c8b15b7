import Transport

/// One dashboard on `/v1/stream`: the WebSocket and how long its opening took.
struct StreamConnection: Sendable {
    let socket: WebSocketConnection
    /// From the start of the TCP connect to the 101 answer being checked.
    let handshakeMicros: Int64

    /// `delayedAcknowledgements`: see `HTTPClientConfiguration`; the fan-out uses it so that a thousand ACKs a
    /// delivery do not land on the server's cores while it is still writing the event to the other dashboards.
    static func open(_ target: ServerTarget, timeout: Duration = .seconds(15),
                     delayedAcknowledgements: Bool = false,
                     eventLoopGroup: EventLoopGroup = .shared) async throws -> StreamConnection {
        var client = HTTPClientConfiguration()
        client.connectTimeout = timeout
        client.kernelReceiveTimestamps = true
        client.delayedAcknowledgements = delayedAcknowledgements
        var configuration = WebSocketConfiguration()
        configuration.maxMessageSize = 64 * 1024 * 1024
        // why: the harness reads every message at once; a larger inbox only guards against a burst at subscribe time
        configuration.maxInboundBufferedBytes = 4 * 1024 * 1024
        let started = WallClock.micros()
        let socket = try await WebSocketClient.connect(host: target.host, port: target.port,
                                                       target: target.streamTarget,
                                                       configuration: configuration, clientConfiguration: client,
                                                       eventLoopGroup: eventLoopGroup)
        return StreamConnection(socket: socket, handshakeMicros: WallClock.micros() - started)
    }

    /// `{"op":"subscribe","jobs":[…]}`; `["*"]` for every job.
    func subscribe(_ jobs: [String] = ["*"]) throws {
        let list = jobs.map { "\"\($0)\"" }.joined(separator: ",")
        try socket.send(text: "{\"op\":\"subscribe\",\"jobs\":[\(list)]}")
    }

    func close() async {
        await socket.close(code: .normal)
    }
}
