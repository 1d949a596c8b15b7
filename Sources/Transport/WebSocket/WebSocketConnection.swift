import Synchronization

/// One open WebSocket, server or client side. Safe to use from any task: sends are framed on
/// the caller's thread and queued to the connection's event loop without waiting.
///
/// Read with `for await message in connection.messages`; the sequence ends when the connection
/// closes. Sending never blocks: if the peer does not read and more than
/// `WebSocketConfiguration.maxOutboundBufferedBytes` would be queued, the connection is closed
/// with 1008 and the send throws.
public final class WebSocketConnection: Sendable {
    private struct Shared {
        var closeInfo: WebSocketCloseInfo?
        var closeWaiters: [CheckedContinuation<WebSocketCloseInfo, Never>] = []
    }

    /// The subprotocol agreed in the handshake, if any.
    public let subprotocol: String?
    /// The peer's address.
    public let remoteAddress: SocketAddress?
    /// Received messages, in order.
    public var messages: WebSocketMessages { WebSocketMessages(inbox: inbox) }

    /// For a reader that runs only while messages wait, instead of a task waiting in `messages` for as long as the
    /// connection is open (each such task keeps its stack, which adds up over thousands of idle connections): the
    /// next received message, or nil when none is waiting, in which case `wake` is called once, when one arrives or
    /// the connection ends, and the reader polls again. `wake` runs on the event loop thread and must not block.
    /// Nil for good once the connection has ended and its messages are taken. Messages wait, and the inbound limit
    /// holds back the peer, as with `messages`; use one of the two, not both.
    public func nextMessage(orWake wake: @escaping @Sendable () -> Void) -> WebSocketMessage? {
        inbox.poll(orWake: wake)
    }

    /// Hands every message, from now on and in order, to `handler` on the connection's event loop thread, instead
    /// of through `messages` (which then only ends when the connection closes). `handler` must not block. For
    /// readers of thousands of connections, where a task wake-up per message would cost more than the message.
    public func receiveMessages(_ handler: @escaping @Sendable (WebSocketMessage) -> Void) {
        inbox.deliver(to: handler)
    }

    /// The thread that owns this connection's socket. Work given to it with `execute` runs in order with the
    /// connection's own reads and writes, and a send made there goes to the socket at once.
    public var eventLoop: EventLoop { loop }

    /// With `HTTPClientConfiguration.kernelReceiveTimestamps`, the kernel's receive time (microseconds since 1970)
    /// of the bytes that carried the message a `receiveMessages` handler is being given; 0 otherwise.
    public var lastReceivedMicros: Int64 { receivedMicros.load(ordering: .relaxed) }

    let inbox: WebSocketInbox
    let loop: EventLoop
    private let receivedMicros = Atomic<Int64>(0)
    private let masksFrames: Bool
    private let maxOutboundBufferedBytes: Int
    private let outboundBytes = Atomic<Int>(0)
    /// Sends handed to the loop as tasks that have not run yet; while there are any, a send made on the loop
    /// thread must queue behind them to keep the order.
    private let queuedSends = Atomic<Int>(0)
    private let closing = Atomic<Bool>(false)
    private let shared = Mutex(Shared())
    private let handlerSlot = HandlerSlot()
    /// The same handler for the loop's own thread: set and cleared there and read only there, so it needs no lock.
    nonisolated(unsafe) private var loopHandler: WebSocketChannelHandler?

    /// Where the loop-side handler is reachable from other threads; shared with the inbox's
    /// resume callback, which cannot capture `self` during `init`.
    private final class HandlerSlot: Sendable {
        private let handler = Mutex<LoopBound<WebSocketChannelHandler>?>(nil)

        func get() -> LoopBound<WebSocketChannelHandler>? { handler.withLock { $0 } }
        func set(_ value: LoopBound<WebSocketChannelHandler>?) { handler.withLock { $0 = value } }
    }

    init(
        loop: EventLoop, configuration: WebSocketConfiguration, masksFrames: Bool,
        subprotocol: String?, remoteAddress: SocketAddress?
    ) {
        self.loop = loop
        self.masksFrames = masksFrames
        self.subprotocol = subprotocol
        self.remoteAddress = remoteAddress
        maxOutboundBufferedBytes = configuration.maxOutboundBufferedBytes
        let handlerSlot = self.handlerSlot
        inbox = WebSocketInbox(limit: configuration.maxInboundBufferedBytes) {
            guard let handler = handlerSlot.get() else { return }
            handler.loop.execute { handler.value.resumeReading() }
        }
    }

    func attach(_ handler: WebSocketChannelHandler) {
        handlerSlot.set(LoopBound(handler, loop: loop))
        loopHandler = handler
    }

    /// Bytes queued for sending that the kernel has not taken yet.
    public var bufferedOutboundBytes: Int { outboundBytes.load(ordering: .relaxed) }

    /// How the connection ended, once it has.
    public var closeInfo: WebSocketCloseInfo? { shared.withLock { $0.closeInfo } }

    /// Queues a text message.
    public func send(text: String) throws(WebSocketSendError) {
        try send(opcode: .text, payload: Array(text.utf8))
    }

    /// Queues a binary message.
    public func send(binary: [UInt8]) throws(WebSocketSendError) {
        try send(opcode: .binary, payload: binary)
    }

    /// Sends a ping (at most 125 bytes); the peer's pong counts as activity for the keepalive.
    public func ping(payload: [UInt8] = []) throws(WebSocketSendError) {
        try send(opcode: .ping, payload: Array(payload.prefix(125)))
    }

    /// Queues a text message framed in advance; a client connection (which must mask) frames it itself.
    public func send(prepared: WebSocketPreparedText) throws(WebSocketSendError) {
        if masksFrames {
            try send(text: prepared.text)
        } else {
            try enqueue(frame: prepared.frame)
        }
    }

    private func send(opcode: WebSocketOpcode, payload: [UInt8]) throws(WebSocketSendError) {
        guard !closing.load(ordering: .acquiring) else { throw WebSocketSendError(code: .closed) }
        let frame = WebSocketFrameEncoder.encode(
            opcode: opcode, payload: payload, maskKey: masksFrames ? WebSocketFrameEncoder.randomMaskKey() : nil)
        try enqueue(frame: frame)
    }

    private func enqueue(frame: [UInt8]) throws(WebSocketSendError) {
        guard !closing.load(ordering: .acquiring) else { throw WebSocketSendError(code: .closed) }
        // why: a send on the loop's own thread with nothing queued before it goes to the socket at once, without the
        // shared handler slot, the hand-off or the accounting of bytes the kernel takes straight away
        if loop.inEventLoop, queuedSends.load(ordering: .acquiring) == 0, let handler = loopHandler {
            guard outboundBytes.load(ordering: .relaxed) + frame.count <= maxOutboundBufferedBytes else {
                closing.store(true, ordering: .releasing)
                handler.close(code: .policyViolation, reason: "outbound buffer limit")
                throw WebSocketSendError(code: .outboundBufferLimitExceeded)
            }
            handler.writeApplicationFrame(frame, counted: false)
            return
        }
        guard let handler = handlerSlot.get() else { throw WebSocketSendError(code: .closed) }
        let total = outboundBytes.wrappingAdd(frame.count, ordering: .relaxed).newValue
        if total > maxOutboundBufferedBytes {
            outboundBytes.wrappingSubtract(frame.count, ordering: .relaxed)
            closing.store(true, ordering: .releasing)
            handler.loop.execute { handler.value.close(code: .policyViolation, reason: "outbound buffer limit") }
            throw WebSocketSendError(code: .outboundBufferLimitExceeded)
        }
        queuedSends.wrappingAdd(1, ordering: .relaxed)
        handler.loop.execute {
            handler.value.writeApplicationFrame(frame, counted: true)
            self.queuedSends.wrappingSubtract(1, ordering: .releasing)
        }
    }

    /// Starts the closing handshake and waits until the connection is closed (the peer answered,
    /// or the close timeout passed). Returns how it ended, which may be the peer's earlier close.
    @discardableResult
    public func close(code: WebSocketCloseCode = .normal, reason: String = "") async -> WebSocketCloseInfo {
        closing.store(true, ordering: .releasing)
        if let handler = handlerSlot.get() {
            handler.loop.execute { handler.value.close(code: code, reason: reason) }
        }
        return await closed()
    }

    /// Waits until the connection is closed, without closing it.
    public func closed() async -> WebSocketCloseInfo {
        await withCheckedContinuation { continuation in
            let info = shared.withLock { shared -> WebSocketCloseInfo? in
                if let info = shared.closeInfo { return info }
                shared.closeWaiters.append(continuation)
                return nil
            }
            if let info { continuation.resume(returning: info) }
        }
    }

    // MARK: loop side

    func addOutboundBytes(_ count: Int) {
        outboundBytes.wrappingAdd(count, ordering: .relaxed)
    }

    func removeOutboundBytes(_ count: Int) {
        outboundBytes.wrappingSubtract(count, ordering: .relaxed)
    }

    func noteReceived(micros: Int64) {
        receivedMicros.store(micros, ordering: .relaxed)
    }

    func markClosing() {
        closing.store(true, ordering: .releasing)
    }

    func finish(_ info: WebSocketCloseInfo) {
        closing.store(true, ordering: .releasing)
        let waiters = shared.withLock { shared -> [CheckedContinuation<WebSocketCloseInfo, Never>] in
            if shared.closeInfo == nil { shared.closeInfo = info }
            let waiters = shared.closeWaiters
            shared.closeWaiters = []
            return waiters
        }
        handlerSlot.set(nil)
        loopHandler = nil
        inbox.finish()
        for waiter in waiters { waiter.resume(returning: info) }
    }
}
