import Glibc

/// A non-blocking TCP socket that owns its descriptor. Confined to one event loop once
/// registered; `close()` must be called exactly once, and a leaked open socket is a bug.
final class Socket {
    /// The descriptor, or -1 once closed.
    private(set) var descriptor: Int32

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit {
        assert(descriptor < 0, "socket \(descriptor) leaked without close()")
    }

    var isOpen: Bool { descriptor >= 0 }

    /// Opens a listening socket. IPv6 listeners are IPv6-only so `::1` and `127.0.0.1`
    /// can be bound side by side on the same port.
    static func listening(on address: SocketAddress, backlog: Int32) throws(SystemCallError) -> Socket {
        let fd = try SystemCall.socket(family: address.family)
        let socket = Socket(descriptor: fd)
        do {
            try SystemCall.setOption(fd, level: SOL_SOCKET, name: SO_REUSEADDR, value: 1)
            if address.family == AF_INET6 {
                try SystemCall.setOption(fd, level: Int32(IPPROTO_IPV6), name: IPV6_V6ONLY, value: 1)
            }
            try SystemCall.bind(fd, to: address)
            try SystemCall.listen(fd, backlog: backlog)
        } catch {
            socket.close()
            throw error
        }
        return socket
    }

    /// Starts connecting; the caller waits for writability, then checks `pendingError()`.
    static func connecting(to address: SocketAddress) throws(SystemCallError) -> (Socket, connected: Bool) {
        let fd = try SystemCall.socket(family: address.family)
        let socket = Socket(descriptor: fd)
        do {
            try SystemCall.setOption(fd, level: Int32(IPPROTO_TCP), name: TCP_NODELAY, value: 1)
            switch try SystemCall.connect(fd, to: address) {
            case .processed: return (socket, true)
            case .wouldBlock: return (socket, false)
            }
        } catch {
            socket.close()
            throw error
        }
    }

    func setNoDelay() {
        // Latency matters more than packet count for small responses and frames.
        try? SystemCall.setOption(descriptor, level: Int32(IPPROTO_TCP), name: TCP_NODELAY, value: 1)
    }

    /// Caps the kernel's send buffer, so a peer that stops reading backs up into the application's buffer, where
    /// its limits apply, instead of into megabytes of kernel memory.
    func setSendBufferSize(_ bytes: Int) {
        try? SystemCall.setOption(descriptor, level: SOL_SOCKET, name: SO_SNDBUF, value: Int32(clamping: bytes))
    }

    func accept() throws(SystemCallError) -> IOResult<(Socket, SocketAddress?)> {
        switch try SystemCall.accept(descriptor) {
        case .processed(let (fd, address)): return .processed((Socket(descriptor: fd), address))
        case .wouldBlock: return .wouldBlock
        }
    }

    func localAddress() throws(SystemCallError) -> SocketAddress? {
        try SystemCall.localAddress(descriptor)
    }

    func pendingError() throws(SystemCallError) -> Int32 {
        try SystemCall.pendingError(descriptor)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(SystemCallError) -> IOResult<Int> {
        try SystemCall.read(descriptor, into: buffer)
    }

    func readStamped(
        into buffer: UnsafeMutableRawBufferPointer
    ) throws(SystemCallError) -> IOResult<(count: Int, receivedMicros: Int64?)> {
        try SystemCall.readStamped(descriptor, into: buffer)
    }

    /// Has the kernel stamp received data with its arrival time (read with `readStamped`).
    func enableReceiveTimestamps() {
        try? SystemCall.setOption(descriptor, level: SOL_SOCKET, name: SystemCall.socketTimestampNanoseconds, value: 1)
    }

    /// Leaves quick-acknowledgement mode until the kernel's own rules enter it again: the acknowledgement of what
    /// is read next is delayed instead of sent at once.
    func delayAcknowledgement() {
        try? SystemCall.setOption(descriptor, level: Int32(IPPROTO_TCP), name: TCP_QUICKACK, value: 0)
    }

    func write(_ buffer: UnsafeRawBufferPointer) throws(SystemCallError) -> IOResult<Int> {
        try SystemCall.write(descriptor, from: buffer)
    }

    func shutdownWrite() {
        // The peer may already be gone; there is nothing left to do about that here.
        try? SystemCall.shutdownWrite(descriptor)
    }

    /// Gives up ownership without closing, to move the descriptor to another loop's `Socket`.
    func releaseDescriptor() -> Int32 {
        let fd = descriptor
        descriptor = -1
        return fd
    }

    func close() {
        guard descriptor >= 0 else { return }
        try? SystemCall.close(descriptor)
        descriptor = -1
    }
}
