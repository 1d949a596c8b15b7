/// The RFC 6455 rules between frames and messages, as a value type that returns actions: it
/// reassembles fragments, validates text incrementally, enforces the message limit and runs
/// the closing handshake. The owner performs every action; nothing here does I/O.
struct WebSocketStateMachine {
    /// Where the connection is in its life.
    enum State: Equatable {
        /// Messages flow both ways.
        case open
        /// This side sent a close frame and waits for the peer's.
        case closeSent
        /// The closing handshake finished or the connection failed: nothing more is processed.
        case closed
    }

    /// What the owner must do after an event.
    enum Action: Equatable {
        /// Nothing yet.
        case none
        /// Hand this complete message to the application.
        case deliver(WebSocketMessage)
        /// Answer a ping with a pong carrying the same payload.
        case sendPong([UInt8])
        /// The peer started closing: send this close payload back, then close the connection.
        case replyToClose(payload: [UInt8], info: WebSocketCloseInfo)
        /// The peer answered this side's close: the handshake is done, close the connection.
        case closeHandshakeComplete(WebSocketCloseInfo)
        /// The peer broke the protocol: send a close frame with `info`'s code (when
        /// `sendCloseFrame`, i.e. none was sent yet), then close the connection.
        case fail(WebSocketCloseInfo, sendCloseFrame: Bool)
    }

    /// What the owner must do when the application asks to close.
    enum CloseAction: Equatable {
        /// Send this close payload and wait (bounded by the close timeout) for the peer's answer.
        case sendClose([UInt8])
        /// A close is already under way; nothing more to send.
        case alreadyClosing
    }

    private(set) var state = State.open
    private let maxMessageSize: Int
    /// The opcode (text or binary) of the message being reassembled.
    private var messageOpcode: WebSocketOpcode?
    private var messageBuffer: [UInt8] = []
    private var utf8 = UTF8Validator()

    init(maxMessageSize: Int) {
        self.maxMessageSize = maxMessageSize
    }

    mutating func receive(header: WebSocketFrameHeader, payload: [UInt8], isFirst: Bool, isLast: Bool) -> Action {
        switch header.opcode {
        case .ping:
            return state == .open ? .sendPong(payload) : .none
        case .pong:
            return .none
        case .close:
            return receiveClose(payload)
        case .text, .binary:
            guard state == .open else { return .none }
            if isFirst {
                if messageOpcode != nil { return fail(.expectedContinuation) }
                messageOpcode = header.opcode
                messageBuffer = []
                utf8 = UTF8Validator()
                if header.payloadLength > maxMessageSize { return fail(.messageTooBig) }
                messageBuffer.reserveCapacity(header.payloadLength)
            }
            return appendData(payload, frameEnds: isLast, fin: header.fin)
        case .continuation:
            guard state == .open else { return .none }
            if isFirst {
                guard messageOpcode != nil else { return fail(.unexpectedContinuation) }
                if header.payloadLength > maxMessageSize - messageBuffer.count { return fail(.messageTooBig) }
            }
            return appendData(payload, frameEnds: isLast, fin: header.fin)
        }
    }

    /// The decoder found a broken frame.
    mutating func receiveFailure(_ error: WebSocketProtocolError) -> Action {
        guard state != .closed else { return .none }
        return fail(error)
    }

    mutating func close(code: WebSocketCloseCode, reason: String) -> CloseAction {
        guard state == .open else { return .alreadyClosing }
        state = .closeSent
        return .sendClose(WebSocketFrameEncoder.closePayload(code: code, reason: reason))
    }

    /// The transport is gone, with or without a handshake.
    mutating func connectionEnded() {
        state = .closed
        messageBuffer = []
    }

    private mutating func appendData(_ payload: [UInt8], frameEnds: Bool, fin: Bool) -> Action {
        if messageOpcode == .text && !utf8.validate(payload) { return fail(.invalidUTF8) }
        messageBuffer.append(contentsOf: payload)
        guard frameEnds && fin else { return .none }
        let opcode = messageOpcode
        let bytes = messageBuffer
        messageOpcode = nil
        messageBuffer = []
        if opcode == .text {
            if !utf8.isAtBoundary { return fail(.invalidUTF8) }
            return .deliver(.text(String(decoding: bytes, as: UTF8.self)))
        }
        return .deliver(.binary(bytes))
    }

    private mutating func receiveClose(_ payload: [UInt8]) -> Action {
        guard state != .closed else { return .none }
        if payload.count == 1 { return fail(.invalidCloseFrame) }
        var info = WebSocketCloseInfo(code: .noStatusReceived, reason: "", initiatedLocally: state == .closeSent)
        var reply: [UInt8] = []
        if payload.count >= 2 {
            let code = WebSocketCloseCode(rawValue: UInt16(payload[0]) << 8 | UInt16(payload[1]))
            guard code.isValidOnWire else { return fail(.invalidCloseFrame) }
            let reason = payload[2...]
            guard UTF8Validator.isValid(reason) else { return fail(.invalidUTF8) }
            info.code = code
            info.reason = String(decoding: reason, as: UTF8.self)
            // Echo the code, as RFC 6455 §5.5.1 suggests; the reason is the peer's own business.
            reply = Array(payload[0..<2])
        }
        let wasOpen = state == .open
        state = .closed
        messageBuffer = []
        return wasOpen ? .replyToClose(payload: reply, info: info) : .closeHandshakeComplete(info)
    }

    private mutating func fail(_ error: WebSocketProtocolError) -> Action {
        let sendCloseFrame = state == .open
        state = .closed
        messageBuffer = []
        return .fail(WebSocketCloseInfo(code: error.closeCode, reason: "\(error)", initiatedLocally: true),
                     sendCloseFrame: sendCloseFrame)
    }
}
