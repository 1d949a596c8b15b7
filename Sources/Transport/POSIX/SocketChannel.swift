import Glibc

/// A connected socket with an outbound queue, confined to one event loop. It knows nothing
/// of protocols: it reads, writes, counts buffered bytes and closes (optionally lingering).
final class SocketChannel: EventLoopHandler {
    /// Where the channel is in its life.
    enum State {
        /// Reading and writing normally.
        case open
        /// Finishing the outbound queue, then half-closing and draining the peer until EOF.
        case closingAfterFlush
        /// Write side shut down; discarding input until EOF or the linger timer.
        case lingering
        /// The descriptor is closed.
        case closed
    }

    let loop: EventLoop
    let remoteAddress: SocketAddress?
    /// Strong on purpose: the channel keeps its protocol object alive until `close` clears it.
    var delegate: SocketChannelDelegate?
    /// Told how many queued bytes each later write took (bytes `write` wrote at once are its return value), for
    /// callers that expose buffered amounts.
    var onWritten: ((Int) -> Void)?

    private let socket: Socket
    private(set) var state = State.open
    private var outbound: [[UInt8]] = []
    /// Index of the first unwritten buffer; written ones are dropped in batches, not one by one.
    private var outboundHead = 0
    private var outboundHeadOffset = 0
    /// Bytes queued but not yet accepted by the kernel.
    private(set) var bufferedBytes = 0
    private var readEnabled = true
    private var registered = false
    private var lingerTimer: TimerHandle?
    private var lingerTimeout: Duration = .seconds(2)

    /// When set, reads take the kernel's receive time with the data (`lastReceivedMicros`).
    private(set) var stampsReceives = false
    /// When set, the acknowledgement of each read is left to the kernel's delayed-ACK timer.
    private(set) var delaysAcknowledgements = false
    /// The kernel's receive time of the bytes last handed to the delegate, in microseconds since 1970 (0 unknown).
    private(set) var lastReceivedMicros: Int64 = 0

    /// Reads per readiness event before yielding to other descriptors (fairness).
    private static let readsPerEvent = 4

    init(socket: Socket, loop: EventLoop, remoteAddress: SocketAddress?) {
        self.socket = socket
        self.loop = loop
        self.remoteAddress = remoteAddress
    }

    var isOpen: Bool { state == .open }

    /// Starts receiving readiness events. Call once, on the loop.
    func activate() throws(SystemCallError) {
        precondition(loop.inEventLoop)
        try loop.register(socket.descriptor, handler: self, events: currentInterest())
        registered = true
    }

    /// Measurement aids for a load generator sharing the machine with the server it measures: kernel receive
    /// timestamps time each message from its arrival rather than from when this busy thread got to it, and delayed
    /// acknowledgements keep an ACK per message (and its processing on the server's side) out of the moment of
    /// delivery.
    func setMeasurementOptions(receiveTimestamps: Bool, delayedAcknowledgements: Bool) {
        precondition(loop.inEventLoop)
        stampsReceives = receiveTimestamps
        delaysAcknowledgements = delayedAcknowledgements
        if receiveTimestamps { socket.enableReceiveTimestamps() }
        if delayedAcknowledgements { socket.delayAcknowledgement() }
    }

    func setReadEnabled(_ enabled: Bool) {
        guard readEnabled != enabled else { return }
        readEnabled = enabled
        updateInterest()
    }

    /// Writes what the kernel takes right away and queues the rest; returns how many bytes were written at once
    /// (`onWritten` reports only bytes written later, from the queue).
    @discardableResult
    func write(_ bytes: [UInt8]) -> Int {
        guard state == .open, !bytes.isEmpty else { return 0 }
        let wasEmpty = outboundHead == outbound.count
        if wasEmpty, let written = writeWithoutQueueing(bytes) { return written }
        outbound.append(bytes)
        bufferedBytes += bytes.count
        if wasEmpty { flush() }
        return 0
    }

    /// The common case of a connection that keeps up: nothing is queued and the kernel takes all of `bytes`, so
    /// the queue and the interest set stay as they are. Returns the bytes written at once (the rest is queued), or
    /// nil when the kernel took nothing and all of it must go through the queue.
    private func writeWithoutQueueing(_ bytes: [UInt8]) -> Int? {
        let outcome = bytes.withUnsafeBytes { raw in
            Result { () throws(SystemCallError) in try socket.write(raw) }
        }
        switch outcome {
        case .failure(let error):
            close(error: error)
            return 0
        case .success(.processed(let written)) where written == bytes.count:
            delegate?.channelFlushed(self)
            return written
        case .success(.processed(let written)):
            outbound.append(bytes)
            bufferedBytes += bytes.count - written
            outboundHeadOffset = written
            updateInterest()
            return written
        case .success(.wouldBlock):
            return nil
        }
    }

    /// Closes once queued bytes are written, half-closing first and reading until the peer's
    /// EOF, so a final response or close frame is not destroyed by a reset from unread input.
    func closeAfterFlush(linger: Duration = .seconds(2)) {
        guard state == .open else { return }
        lingerTimeout = linger
        state = .closingAfterFlush
        if outboundHead == outbound.count { startLingering() } else { updateInterest() }
    }

    /// Closes now, dropping anything still queued.
    func close(error: SystemCallError? = nil) {
        guard state != .closed else { return }
        state = .closed
        loop.cancel(lingerTimer)
        if registered { loop.deregister(socket.descriptor) }
        socket.close()
        outbound.removeAll()
        outboundHead = 0
        bufferedBytes = 0
        let delegate = self.delegate
        self.delegate = nil
        onWritten = nil
        delegate?.channelClosed(self, error: error)
    }

    // MARK: readiness

    func handleEvents(_ events: UInt32) {
        if events & SystemCall.epollError != 0 {
            let code = (try? socket.pendingError()) ?? EIO
            close(error: SystemCallError(call: "socket", errno: code == 0 ? EIO : code))
            return
        }
        if events & SystemCall.epollOut != 0 { flush() }
        if events & (SystemCall.epollIn | SystemCall.epollHangUp) != 0 {
            if wantsRead {
                readAvailable()
            } else if events & SystemCall.epollHangUp != 0 {
                // Level-triggered HUP would spin while reads are paused; the peer is gone anyway.
                close()
            }
        }
    }

    private var wantsRead: Bool {
        switch state {
        case .open: readEnabled
        case .closingAfterFlush, .lingering: true
        case .closed: false
        }
    }

    private func readAvailable() {
        let buffer = loop.readBuffer
        for _ in 0..<Self.readsPerEvent {
            guard wantsRead else { return }
            let result: IOResult<Int>
            do {
                // why: before the read, which is when the kernel decides whether to acknowledge at once
                if delaysAcknowledgements { socket.delayAcknowledgement() }
                if stampsReceives {
                    switch try socket.readStamped(into: buffer) {
                    case .processed(let (count, stamp)):
                        lastReceivedMicros = stamp ?? 0
                        result = .processed(count)
                    case .wouldBlock:
                        result = .wouldBlock
                    }
                } else {
                    result = try socket.read(into: buffer)
                }
            } catch {
                close(error: error)
                return
            }
            switch result {
            case .wouldBlock:
                return
            case .processed(0):
                if state == .open {
                    // The peer may still read: the delegate decides whether to answer first.
                    readEnabled = false
                    updateInterest()
                    delegate?.channelReadEnded(self)
                } else {
                    close()
                }
                return
            case .processed(let count):
                if state == .open {
                    delegate?.channelRead(self, bytes: Array(UnsafeRawBufferPointer(rebasing: buffer[0..<count])))
                }
                if count < buffer.count { return }
            }
        }
    }

    private func flush() {
        while outboundHead < outbound.count {
            let first = outbound[outboundHead]
            let offset = outboundHeadOffset
            let outcome = first.withUnsafeBytes { raw in
                Result { () throws(SystemCallError) in
                    try socket.write(UnsafeRawBufferPointer(rebasing: raw[offset...]))
                }
            }
            let result: IOResult<Int>
            switch outcome {
            case .success(let value): result = value
            case .failure(let error):
                close(error: error)
                return
            }
            switch result {
            case .wouldBlock:
                if outboundHead >= 64 {
                    outbound.removeFirst(outboundHead)
                    outboundHead = 0
                }
                updateInterest()
                return
            case .processed(let written):
                bufferedBytes -= written
                onWritten?(written)
                outboundHeadOffset += written
                if outboundHeadOffset == first.count {
                    outboundHead += 1
                    outboundHeadOffset = 0
                }
            }
        }
        outbound.removeAll(keepingCapacity: outbound.count < 1024)
        outboundHead = 0
        updateInterest()
        switch state {
        case .open: delegate?.channelFlushed(self)
        case .closingAfterFlush: startLingering()
        case .lingering, .closed: break
        }
    }

    private func startLingering() {
        state = .lingering
        socket.shutdownWrite()
        updateInterest()
        lingerTimer = loop.schedule(after: lingerTimeout) { [weak self] in self?.close() }
    }

    private func currentInterest() -> UInt32 {
        var events: UInt32 = 0
        if wantsRead { events |= SystemCall.epollIn }
        if outboundHead < outbound.count { events |= SystemCall.epollOut }
        return events
    }

    private func updateInterest() {
        guard registered, state != .closed else { return }
        loop.setInterest(socket.descriptor, events: currentInterest())
    }
}
