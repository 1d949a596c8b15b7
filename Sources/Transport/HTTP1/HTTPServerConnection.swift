/// One accepted HTTP connection on its event loop: performs what the connection state machine
/// decides, runs the application's handler off the loop, and hands the socket over to a
/// WebSocket handler after an accepted upgrade.
final class HTTPServerConnection: SocketChannelDelegate {
    let id: UInt64
    private let channel: SocketChannel
    private let server: HTTPServer
    private let configuration: HTTPServerConfiguration
    private var machine: HTTPConnectionStateMachine
    private var timer: TimerHandle?
    private var timerKind: HTTPConnectionStateMachine.TimerKind?
    private var peerFinishedSending = false

    init(id: UInt64, channel: SocketChannel, server: HTTPServer, configuration: HTTPServerConfiguration) {
        self.id = id
        self.channel = channel
        self.server = server
        self.configuration = configuration
        machine = HTTPConnectionStateMachine(configuration: configuration)
    }

    private var loop: EventLoop { channel.loop }

    func start() {
        channel.delegate = self
        perform(.awaitData(.idle))
    }

    func shutdown() {
        perform(machine.shutdown())
    }

    // MARK: channel events

    func channelRead(_ channel: SocketChannel, bytes: [UInt8]) {
        perform(machine.bytesReceived(bytes))
    }

    func channelReadEnded(_ channel: SocketChannel) {
        peerFinishedSending = true
        switch machine.state {
        case .processing, .writing:
            // A client may half-close after its request and still wait for the answer.
            break
        case .reading, .upgraded, .closing:
            setTimer(nil)
            channel.close()
        }
    }

    func channelFlushed(_ channel: SocketChannel) {
        if peerFinishedSending, case .writing = machine.state {
            channel.close()
            return
        }
        perform(machine.flushed())
    }

    func channelClosed(_ channel: SocketChannel, error: SystemCallError?) {
        setTimer(nil)
        server.connectionClosed(id: id)
    }

    // MARK: actions

    private func perform(_ action: HTTPConnectionStateMachine.Action) {
        switch action {
        case .none:
            break
        case .awaitData(let kind):
            if peerFinishedSending {
                channel.close()
                return
            }
            setTimer(kind)
            channel.setReadEnabled(true)
        case .sendContinue:
            channel.write(HTTPResponseSerializer.continueResponse)
            perform(machine.advance())
        case .handle(var request):
            setTimer(nil)
            channel.setReadEnabled(false)
            request.remoteAddress = channel.remoteAddress
            let handler = server.handler
            let connection = LoopBound(self, loop: loop)
            Task {
                let response = await handler(request)
                connection.loop.execute { connection.value.responseReady(response) }
            }
        case .upgrade(var request):
            setTimer(nil)
            channel.setReadEnabled(false)
            request.remoteAddress = channel.remoteAddress
            switch WebSocketHandshake.validate(request) {
            case .failure(let failure):
                var response = configuration.refusalResponse(failure.response.status)
                for field in failure.response.headers { response.headers.replaceOrAdd(name: field.name, value: field.value) }
                perform(machine.upgradeRefused(response))
            case .success(let key):
                let upgradeHandler = server.upgradeHandler
                let connection = LoopBound(self, loop: loop)
                let offered = WebSocketHandshake.offeredSubprotocols(request)
                Task {
                    let decision = await upgradeHandler(request)
                    connection.loop.execute {
                        connection.value.upgradeDecided(decision, key: key, offeredSubprotocols: offered)
                    }
                }
            }
        case .write(let bytes, let thenClose):
            channel.write(bytes)
            if thenClose { channel.closeAfterFlush(linger: configuration.lingerTimeout) }
        case .reject(let status):
            setTimer(nil)
            let response = configuration.refusalResponse(status)
            channel.write(HTTPResponseSerializer.serialize(response, isHeadRequest: false, keepAlive: false))
            channel.closeAfterFlush(linger: configuration.lingerTimeout)
        case .close:
            setTimer(nil)
            channel.close()
        }
    }

    private func responseReady(_ response: HTTPResponse) {
        guard channel.isOpen else { return }
        perform(machine.responseReady(response))
    }

    private func upgradeDecided(_ decision: WebSocketUpgradeDecision, key: String, offeredSubprotocols: [String]) {
        guard channel.isOpen else { return }
        switch decision {
        case .refuse(let response):
            perform(machine.upgradeRefused(response))
        case .accept(let requested, let handler):
            guard !server.isShuttingDown, !peerFinishedSending else {
                perform(machine.upgradeRefused(configuration.refusalResponse(503)))
                return
            }
            // Only a subprotocol the client offered may be named back; anything else is dropped.
            let subprotocol = requested.flatMap { offeredSubprotocols.contains($0) ? $0 : nil }
            machine.upgradeAccepted()
            let response = WebSocketHandshake.acceptResponse(key: key, subprotocol: subprotocol)
            channel.write(HTTPResponseSerializer.serialize(response, isHeadRequest: false, keepAlive: true))
            let connection = WebSocketConnection(
                loop: loop, configuration: configuration.webSocket, masksFrames: false,
                subprotocol: subprotocol, remoteAddress: channel.remoteAddress)
            let webSocket = WebSocketChannelHandler(
                channel: channel, connection: connection, configuration: configuration.webSocket, role: .server,
                lingerTimeout: configuration.lingerTimeout)
            server.connectionUpgraded(id: id, to: connection)
            webSocket.onClosed = { [server, id] in server.connectionClosed(id: id) }
            webSocket.start(initialBytes: machine.takeBufferedBytes())
            channel.setReadEnabled(true)
            Task {
                await handler(connection)
                await connection.close(code: .normal)
            }
        }
    }

    private func setTimer(_ kind: HTTPConnectionStateMachine.TimerKind?) {
        guard kind != timerKind || kind == nil else { return }
        loop.cancel(timer)
        timer = nil
        timerKind = kind
        guard let kind else { return }
        let delay: Duration = switch kind {
        case .idle: configuration.idleTimeout
        case .header: configuration.headerReadTimeout
        case .body: configuration.bodyReadTimeout
        }
        timer = loop.schedule(after: delay) { [weak self] in
            guard let self else { return }
            self.timer = nil
            self.timerKind = nil
            self.perform(self.machine.timerFired(kind))
        }
    }
}
