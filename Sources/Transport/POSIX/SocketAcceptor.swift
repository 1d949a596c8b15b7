import Glibc

/// A listening socket on one loop that hands each accepted socket to `onAccept`.
final class SocketAcceptor: EventLoopHandler {
    let loop: EventLoop
    let localAddress: SocketAddress
    private let socket: Socket
    private let onAccept: (Socket, SocketAddress?) -> Void
    private var active = false

    /// Binds and listens at once so the caller learns the port (port 0) before anything runs.
    init(
        address: SocketAddress, backlog: Int32, loop: EventLoop,
        onAccept: @escaping (Socket, SocketAddress?) -> Void
    ) throws(SystemCallError) {
        precondition(loop.inEventLoop)
        self.loop = loop
        self.onAccept = onAccept
        socket = try Socket.listening(on: address, backlog: backlog)
        do {
            localAddress = try socket.localAddress() ?? address
            try loop.register(socket.descriptor, handler: self, events: SystemCall.epollIn)
        } catch {
            socket.close()
            throw error
        }
        active = true
    }

    func handleEvents(_ events: UInt32) {
        // A bounded batch per wake-up keeps one busy listener from starving established sockets.
        for _ in 0..<64 {
            guard active else { return }
            do {
                switch try socket.accept() {
                case .wouldBlock: return
                case .processed(let (client, address)): onAccept(client, address)
                }
            } catch {
                if [EMFILE, ENFILE, ENOBUFS, ENOMEM].contains(error.errno) {
                    // Out of descriptors or memory: the pending connection stays pending, and a
                    // level-triggered listener would spin, so stop listening for a moment.
                    pauseAccepting()
                }
                // Other failures (ECONNABORTED, ...) affect one attempt; the listener stays up.
                return
            }
        }
    }

    /// How long accepting pauses after running out of descriptors.
    private static let resourceBackoff: Duration = .milliseconds(100)

    private func pauseAccepting() {
        loop.setInterest(socket.descriptor, events: 0)
        loop.schedule(after: Self.resourceBackoff) { [weak self] in
            guard let self, self.active else { return }
            self.loop.setInterest(self.socket.descriptor, events: SystemCall.epollIn)
        }
    }

    func close() {
        guard active else { return }
        active = false
        loop.deregister(socket.descriptor)
        socket.close()
    }
}
