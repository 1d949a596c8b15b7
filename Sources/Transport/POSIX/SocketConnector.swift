import Glibc

/// Opens a client connection without blocking: the connect completes on the loop, and the
/// async caller gets a registered `SocketChannel`.
final class SocketConnector: EventLoopHandler {
    private let loop: EventLoop
    private let socket: Socket
    private let address: SocketAddress
    private var completion: ((Result<SocketChannel, SystemCallError>) -> Void)?
    private var timer: TimerHandle?

    private init(loop: EventLoop, socket: Socket, address: SocketAddress,
                 completion: @escaping (Result<SocketChannel, SystemCallError>) -> Void) {
        self.loop = loop
        self.socket = socket
        self.address = address
        self.completion = completion
    }

    /// Connects on `loop`; the channel comes back registered with no delegate and not yet reading
    /// (call `activate` after installing one). Throws `SystemCallError` (ETIMEDOUT on timeout).
    static func connect(
        to address: SocketAddress, on loop: EventLoop, timeout: Duration
    ) async throws -> LoopBound<SocketChannel> {
        try await withCheckedThrowingContinuation { continuation in
            loop.execute {
                start(address: address, loop: loop, timeout: timeout) { result in
                    continuation.resume(with: result.map { LoopBound($0, loop: loop) })
                }
            }
        }
    }

    private static func start(
        address: SocketAddress, loop: EventLoop, timeout: Duration,
        completion: @escaping (Result<SocketChannel, SystemCallError>) -> Void
    ) {
        do {
            let (socket, connected) = try Socket.connecting(to: address)
            let connector = SocketConnector(loop: loop, socket: socket, address: address, completion: completion)
            if connected {
                connector.finish(error: nil)
                return
            }
            do {
                try loop.register(socket.descriptor, handler: connector, events: SystemCall.epollOut)
                connector.timer = loop.schedule(after: timeout) { [weak connector] in
                    guard let connector, connector.completion != nil else { return }
                    loop.deregister(socket.descriptor)
                    connector.finish(error: SystemCallError(call: "connect", errno: ETIMEDOUT))
                }
            } catch {
                socket.close()
                completion(.failure(error))
            }
        } catch {
            completion(.failure(error))
        }
    }

    func handleEvents(_ events: UInt32) {
        loop.cancel(timer)
        loop.deregister(socket.descriptor)
        let code = (try? socket.pendingError()) ?? EIO
        finish(error: code == 0 ? nil : SystemCallError(call: "connect", errno: code))
    }

    private func finish(error: SystemCallError?) {
        guard let completion else { return }
        self.completion = nil
        if let error {
            socket.close()
            completion(.failure(error))
            return
        }
        completion(.success(SocketChannel(socket: socket, loop: loop, remoteAddress: address)))
    }
}
