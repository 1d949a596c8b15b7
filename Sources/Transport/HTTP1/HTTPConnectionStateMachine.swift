/// The life of one server-side HTTP/1.1 connection as a value type: it owns the request
/// parser, serves one request at a time (so pipelined responses go out in request order),
/// says which read timer applies, and decides when to close. The owner does all I/O and
/// reports events; time is only ever an event (`timerFired`), so tests need no clock.
struct HTTPConnectionStateMachine {
    /// Where the connection is.
    enum State: Equatable {
        /// Reading a request (or waiting for one on a kept-alive connection).
        case reading
        /// The handler is working on a request; later bytes wait unparsed. `isHTTP10` requests
        /// hear `Connection: keep-alive` when they asked for it.
        case processing(keepAlive: Bool, isHeadRequest: Bool, isHTTP10: Bool = false)
        /// A response is being written; `keepAlive` says whether another request may follow.
        case writing(keepAlive: Bool)
        /// The connection now speaks WebSocket; this machine is done.
        case upgraded
        /// The last response is out or the connection is being dropped.
        case closing
    }

    /// Which read timer must run.
    enum TimerKind: Equatable {
        /// Waiting for the first byte of a request: `idleTimeout`.
        case idle
        /// A head has started and is not complete: `headerReadTimeout`.
        case header
        /// A body has started and is not complete: `bodyReadTimeout`.
        case body
    }

    /// What the owner must do.
    enum Action: Equatable {
        /// Keep reading, with this timer running (or none).
        case awaitData(TimerKind)
        /// Write `100 Continue`, then call `advance()`.
        case sendContinue
        /// Stop reading and run the handler for this request.
        case handle(HTTPRequest)
        /// Stop reading and decide on this WebSocket upgrade request.
        case upgrade(HTTPRequest)
        /// Write these bytes; close after them when `thenClose`, else wait for the flush.
        case write([UInt8], thenClose: Bool)
        /// Answer with this error status and `Connection: close`, then close.
        case reject(Int)
        /// Close without writing anything.
        case close
        /// Nothing to do.
        case none
    }

    private(set) var state = State.reading
    private var parser: HTTPRequestParser
    private var shuttingDown = false

    init(configuration: HTTPServerConfiguration) {
        parser = HTTPRequestParser(configuration: configuration)
    }

    mutating func bytesReceived(_ bytes: [UInt8]) -> Action {
        parser.append(bytes)
        guard state == .reading else { return .none }
        return advance()
    }

    /// Parses whatever is buffered: the next pipelined request may already be complete.
    mutating func advance() -> Action {
        guard state == .reading else { return .none }
        switch parser.next() {
        case .needMoreData:
            if !parser.hasPartialRequest && shuttingDown {
                state = .closing
                return .close
            }
            if !parser.hasPartialRequest { return .awaitData(.idle) }
            return .awaitData(parser.isReadingHead ? .header : .body)
        case .continueRequested:
            return .sendContinue
        case .failed(let error):
            state = .closing
            return .reject(error.status)
        case .request(let request):
            if WebSocketHandshake.isUpgradeRequest(request) {
                state = .processing(keepAlive: false, isHeadRequest: false)
                return .upgrade(request)
            }
            state = .processing(
                keepAlive: request.keepAlive, isHeadRequest: request.method == "HEAD",
                isHTTP10: request.version.minor == 0)
            return .handle(request)
        }
    }

    mutating func responseReady(_ response: HTTPResponse) -> Action {
        guard case .processing(let requestKeepAlive, let isHead, let isHTTP10) = state else { return .none }
        let keepAlive = requestKeepAlive && !shuttingDown
            && !response.headers.tokens(for: "Connection").contains("close")
        state = keepAlive ? .writing(keepAlive: true) : .closing
        let bytes = HTTPResponseSerializer.serialize(
            response, isHeadRequest: isHead, keepAlive: keepAlive, announceKeepAlive: keepAlive && isHTTP10)
        return .write(bytes, thenClose: !keepAlive)
    }

    /// The response of an upgrade request that was refused or rejected. Closing afterwards
    /// keeps a client that thinks it upgraded from sending frames as HTTP.
    mutating func upgradeRefused(_ response: HTTPResponse) -> Action {
        guard case .processing = state else { return .none }
        state = .closing
        return .write(HTTPResponseSerializer.serialize(response, isHeadRequest: false, keepAlive: false),
                      thenClose: true)
    }

    mutating func upgradeAccepted() {
        state = .upgraded
    }

    /// Everything queued has been written.
    mutating func flushed() -> Action {
        guard case .writing(true) = state else { return .none }
        state = .reading
        return advance()
    }

    mutating func timerFired(_ kind: TimerKind) -> Action {
        guard state == .reading else { return .none }
        state = .closing
        return kind == .idle ? .close : .reject(408)
    }

    /// Stop taking requests: an idle connection closes now, a request in progress gets its
    /// response with `Connection: close`.
    mutating func shutdown() -> Action {
        shuttingDown = true
        guard state == .reading else { return .none }
        if parser.hasPartialRequest { return .none }
        state = .closing
        return .close
    }

    /// Bytes received after the upgrade request, which belong to the WebSocket.
    mutating func takeBufferedBytes() -> [UInt8] {
        parser.takeBufferedBytes()
    }
}
