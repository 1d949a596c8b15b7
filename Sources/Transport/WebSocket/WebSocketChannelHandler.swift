/// Drives one WebSocket on its event loop: feeds the decoder, performs the state machine's
/// actions, runs the keepalive and close timers and reports the end to the connection object.
final class WebSocketChannelHandler: SocketChannelDelegate {
    private let channel: SocketChannel
    private let configuration: WebSocketConfiguration
    private let masksFrames: Bool
    private let lingerTimeout: Duration
    private var connection: WebSocketConnection?
    private var decoder: WebSocketFrameDecoder
    private var machine: WebSocketStateMachine
    private var readPaused = false
    private var closeInfo: WebSocketCloseInfo?
    private var closeTimer: TimerHandle?
    private var pingTimer: TimerHandle?
    private var activitySincePing = false
    private var awaitingPong = false
    /// A protocol failure whose close frame waits until the application has taken the
    /// messages that arrived before it.
    private var pendingFailure: WebSocketCloseInfo?
    private var failureTimer: TimerHandle?
    /// Told once the socket is closed (the server uses it to keep its connection count).
    var onClosed: (() -> Void)?

    init(
        channel: SocketChannel, connection: WebSocketConnection, configuration: WebSocketConfiguration,
        role: WebSocketFrameDecoder.Role, lingerTimeout: Duration
    ) {
        self.channel = channel
        self.connection = connection
        self.configuration = configuration
        self.lingerTimeout = lingerTimeout
        masksFrames = role == .client
        decoder = WebSocketFrameDecoder(role: role, maxMessageSize: configuration.maxMessageSize)
        machine = WebSocketStateMachine(maxMessageSize: configuration.maxMessageSize)
    }

    var loop: EventLoop { channel.loop }

    /// Takes over the channel; `initialBytes` arrived together with the handshake.
    func start(initialBytes: [UInt8]) {
        connection?.attach(self)
        channel.delegate = self
        channel.onWritten = { [weak self] count in self?.connection?.removeOutboundBytes(count) }
        schedulePing()
        if !initialBytes.isEmpty { channelRead(channel, bytes: initialBytes) }
    }

    // MARK: application requests

    /// `counted`: the connection already added the frame to its outbound bytes (a send from another thread, so the
    /// limit was checked there); otherwise only what the kernel does not take at once is added.
    func writeApplicationFrame(_ frame: [UInt8], counted: Bool) {
        guard machine.state == .open || pendingFailure != nil, channel.isOpen else {
            if counted { connection?.removeOutboundBytes(frame.count) }
            return
        }
        let written = channel.write(frame)
        if counted {
            if written > 0 { connection?.removeOutboundBytes(written) }
        } else if written < frame.count {
            connection?.addOutboundBytes(frame.count - written)
        }
    }

    func close(code: WebSocketCloseCode, reason: String) {
        connection?.markClosing()
        switch machine.close(code: code, reason: reason) {
        case .alreadyClosing:
            return
        case .sendClose(let payload):
            closeInfo = WebSocketCloseInfo(code: code, reason: reason, initiatedLocally: true)
            writeFrame(.close, payload)
            armCloseTimer()
        }
    }

    func resumeReading() {
        guard readPaused else { return }
        readPaused = false
        channel.setReadEnabled(true)
        processFrames()
    }

    // MARK: channel events

    func channelRead(_ channel: SocketChannel, bytes: [UInt8]) {
        activitySincePing = true
        awaitingPong = false
        if channel.stampsReceives { connection?.noteReceived(micros: channel.lastReceivedMicros) }
        decoder.append(bytes)
        processFrames()
    }

    func channelReadEnded(_ channel: SocketChannel) {
        if closeInfo == nil {
            closeInfo = WebSocketCloseInfo(
                code: .abnormalClosure, reason: "connection closed without a close frame", initiatedLocally: false)
        }
        channel.close()
    }

    func channelFlushed(_ channel: SocketChannel) {}

    func channelClosed(_ channel: SocketChannel, error: SystemCallError?) {
        machine.connectionEnded()
        loop.cancel(closeTimer)
        loop.cancel(pingTimer)
        loop.cancel(failureTimer)
        pendingFailure = nil
        channel.onWritten = nil
        let info = closeInfo ?? WebSocketCloseInfo(
            code: .abnormalClosure, reason: error.map { "\($0)" } ?? "connection closed", initiatedLocally: false)
        connection?.finish(info)
        connection = nil
        let onClosed = self.onClosed
        self.onClosed = nil
        onClosed?()
    }

    // MARK: frames

    private func processFrames() {
        while !readPaused && machine.state != .closed {
            switch decoder.next() {
            case .needMoreData:
                return
            case .failed(let error):
                perform(machine.receiveFailure(error))
            case .chunk(let header, let payload, let isFirst, let isLast):
                perform(machine.receive(header: header, payload: payload, isFirst: isFirst, isLast: isLast))
            }
        }
    }

    private func perform(_ action: WebSocketStateMachine.Action) {
        switch action {
        case .none:
            break
        case .deliver(let message):
            if connection?.inbox.push(message) == false {
                readPaused = true
                channel.setReadEnabled(false)
            }
        case .sendPong(let payload):
            writeFrame(.pong, payload)
        case .replyToClose(let payload, let info):
            connection?.markClosing()
            closeInfo = info
            writeFrame(.close, payload)
            channel.closeAfterFlush(linger: lingerTimeout)
            armCloseTimer()
        case .closeHandshakeComplete(let info):
            closeInfo = info
            channel.closeAfterFlush(linger: lingerTimeout)
            armCloseTimer()
        case .fail(let info, let sendCloseFrame):
            closeInfo = info
            guard sendCloseFrame, let connection else {
                channel.closeAfterFlush(linger: lingerTimeout)
                armCloseTimer()
                return
            }
            // Nothing more is read. The application may still answer messages it already has
            // (an echo must come before the close), so the close frame waits until it has taken
            // them all, or until the close timeout.
            pendingFailure = info
            channel.setReadEnabled(false)
            let handler = LoopBound(self, loop: loop)
            connection.inbox.finish {
                handler.loop.execute { handler.value.sendFailureClose() }
            }
            failureTimer = loop.schedule(after: configuration.closeTimeout) { [weak self] in
                self?.sendFailureClose()
            }
        }
    }

    private func sendFailureClose() {
        guard let info = pendingFailure else { return }
        pendingFailure = nil
        loop.cancel(failureTimer)
        guard channel.isOpen else { return }
        connection?.markClosing()
        writeFrame(.close, WebSocketFrameEncoder.closePayload(code: info.code, reason: ""))
        channel.closeAfterFlush(linger: lingerTimeout)
        armCloseTimer()
    }

    /// A peer that never answers, or never reads what is queued, must not keep the connection.
    private func armCloseTimer() {
        guard closeTimer == nil else { return }
        closeTimer = loop.schedule(after: configuration.closeTimeout) { [weak self] in
            self?.channel.close()
        }
    }

    private func writeFrame(_ opcode: WebSocketOpcode, _ payload: [UInt8]) {
        guard channel.isOpen else { return }
        let frame = WebSocketFrameEncoder.encode(
            opcode: opcode, payload: payload, maskKey: masksFrames ? WebSocketFrameEncoder.randomMaskKey() : nil)
        let written = channel.write(frame)
        if written < frame.count { connection?.addOutboundBytes(frame.count - written) }
    }

    // MARK: keepalive

    private func schedulePing() {
        guard let interval = configuration.pingInterval else { return }
        pingTimer = loop.schedule(after: awaitingPong ? configuration.pingTimeout : interval) { [weak self] in
            self?.pingTimerFired()
        }
    }

    private func pingTimerFired() {
        guard channel.isOpen, machine.state == .open else { return }
        if activitySincePing {
            activitySincePing = false
            awaitingPong = false
        } else if awaitingPong {
            closeInfo = WebSocketCloseInfo(code: .abnormalClosure, reason: "ping timeout", initiatedLocally: true)
            channel.close()
            return
        } else {
            awaitingPong = true
            writeFrame(.ping, [])
        }
        schedulePing()
    }
}
