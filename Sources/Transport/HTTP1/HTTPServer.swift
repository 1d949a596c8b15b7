import Synchronization

/// An HTTP/1.1 server with WebSocket upgrades, on non-blocking sockets and epoll event loops.
///
/// ```swift
/// let server = HTTPServer(configuration: .init()) { request in
///     HTTPResponse(status: 200, contentType: "text/plain", body: "hello")
/// } upgradeHandler: { request in
///     guard request.path == "/echo" else { return .refuse(HTTPResponse(status: 404)) }
///     return .accept { connection in
///         for await message in connection.messages { ... }
///     }
/// }
/// let port = try await server.start(host: "127.0.0.1", port: 0)
/// ...
/// await server.shutdown()
/// ```
///
/// Requests on one connection are answered in order, one at a time; connections are spread
/// over the group's loops. Malformed and over-limit requests are answered (400, 408, 413, 414,
/// 431, 501, 505) and closed before they reach `handler`. WebSocket upgrade requests never
/// reach `handler`: they are checked against RFC 6455 and then given to `upgradeHandler`.
public final class HTTPServer: Sendable {
    /// Answers one request.
    public typealias Handler = @Sendable (HTTPRequest) async -> HTTPResponse
    /// Decides on one valid WebSocket upgrade request.
    public typealias UpgradeHandler = @Sendable (HTTPRequest) async -> WebSocketUpgradeDecision

    /// The server's life; every operation re-checks it after each suspension.
    enum Lifecycle {
        /// Created, not listening.
        case idle
        /// Listening and serving.
        case running
        /// Not accepting; open connections are finishing.
        case shuttingDown
        /// Every connection is closed.
        case stopped
    }

    private struct Entry {
        var channel: LoopBound<SocketChannel>
        /// Nil once upgraded: the HTTP side (its parser, timers and the upgrade request) is done with, and a held
        /// WebSocket should not keep it.
        var http: LoopBound<HTTPServerConnection>?
        var webSocket: WebSocketConnection?
    }

    private struct State {
        var lifecycle = Lifecycle.idle
        var listeners: [LoopBound<SocketAcceptor>] = []
        var addresses: [SocketAddress] = []
        var connections: [UInt64: Entry] = [:]
        /// Accepted sockets not yet set up on their loop.
        var pending = 0
        var nextID: UInt64 = 0
        var drainWaiters: [CheckedContinuation<Void, Never>] = []
    }

    public let configuration: HTTPServerConfiguration
    let handler: Handler
    let upgradeHandler: UpgradeHandler
    private let group: EventLoopGroup
    private let state = Mutex(State())

    /// - Parameters:
    ///   - upgradeHandler: decides on WebSocket upgrades; by default every upgrade gets 404.
    public init(
        configuration: HTTPServerConfiguration = HTTPServerConfiguration(),
        eventLoopGroup: EventLoopGroup = .shared,
        handler: @escaping Handler,
        upgradeHandler: @escaping UpgradeHandler = { _ in .refuse(HTTPResponse(status: 404)) }
    ) {
        self.configuration = configuration
        self.group = eventLoopGroup
        self.handler = handler
        self.upgradeHandler = upgradeHandler
    }

    /// Starts listening and returns the bound port (useful with port 0). `localhost` listens on
    /// both 127.0.0.1 and ::1 with the same port. May be called again, while running, to listen
    /// on a further address.
    public func start(host: String = "127.0.0.1", port: Int = 0) async throws -> Int {
        let allowed = state.withLock { $0.lifecycle == .idle || $0.lifecycle == .running }
        guard allowed else { throw TransportError(.notRunning, "the server is shutting down") }
        let hosts = host == "localhost" ? ["127.0.0.1", "::1"] : [host]
        var boundPort = port
        for (index, name) in hosts.enumerated() {
            guard let address = SocketAddress(host: name, port: boundPort) else {
                throw TransportError(.invalidAddress, "cannot listen on \(name) port \(boundPort)")
            }
            let loop = group.loops[0]
            let backlog = configuration.listenBacklog
            let listener: (LoopBound<SocketAcceptor>, SocketAddress)
            do {
                listener = try await loop.submit { [self] in
                    let acceptor = try SocketAcceptor(address: address, backlog: backlog, loop: loop) { socket, peer in
                        self.accepted(socket, from: peer)
                    }
                    return (LoopBound(acceptor, loop: loop), acceptor.localAddress)
                }
            } catch let error as SystemCallError {
                // A machine without IPv6 still serves `localhost` on IPv4.
                if index > 0 { continue }
                throw TransportError(error)
            }
            boundPort = listener.1.port
            let stillStarting = state.withLock { state -> Bool in
                guard state.lifecycle == .idle || state.lifecycle == .running else { return false }
                state.lifecycle = .running
                state.listeners.append(listener.0)
                state.addresses.append(listener.1)
                return true
            }
            if !stillStarting {
                // Shut down while binding: do not leave a listener behind.
                try? await loop.submit { listener.0.value.close() }
                throw TransportError(.notRunning, "the server was shut down while starting")
            }
        }
        return boundPort
    }

    /// The addresses being listened on.
    public var localAddresses: [SocketAddress] { state.withLock { $0.addresses } }

    /// Open connections, HTTP and WebSocket.
    public var connectionCount: Int { state.withLock { $0.connections.count + $0.pending } }

    var isShuttingDown: Bool { state.withLock { $0.lifecycle != .running } }

    /// Stops accepting, closes idle connections, lets requests in progress finish with
    /// `Connection: close`, closes every WebSocket with `closeCode` (1001 by default) and waits for
    /// the close handshakes. After `shutdownGracePeriod` whatever is still open is dropped.
    public func shutdown(closeCode: WebSocketCloseCode = .goingAway) async {
        let taken = state.withLock { state -> ([LoopBound<SocketAcceptor>], [Entry])? in
            guard state.lifecycle == .running || state.lifecycle == .idle else { return nil }
            state.lifecycle = .shuttingDown
            let listeners = state.listeners
            state.listeners = []
            return (listeners, Array(state.connections.values))
        }
        guard let (listeners, entries) = taken else {
            await waitUntilDrained()
            return
        }
        for listener in listeners {
            try? await listener.loop.submit { listener.value.close() }
        }
        for entry in entries { stop(entry, closeCode: closeCode) }
        let grace = configuration.shutdownGracePeriod
        let force = Task { [self] in
            try? await Task.sleep(for: grace)
            if !Task.isCancelled { forceCloseAll() }
        }
        await waitUntilDrained()
        force.cancel()
        state.withLock { $0.lifecycle = .stopped }
    }

    // MARK: connections

    private func stop(_ entry: Entry, closeCode: WebSocketCloseCode) {
        if let webSocket = entry.webSocket {
            Task { await webSocket.close(code: closeCode, reason: "server shutting down") }
        } else if let http = entry.http {
            http.loop.execute { http.value.shutdown() }
        }
    }

    private func forceCloseAll() {
        let entries = state.withLock { Array($0.connections.values) }
        for entry in entries {
            entry.channel.loop.execute { entry.channel.value.close() }
        }
    }

    private func waitUntilDrained() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let drained = state.withLock { state -> Bool in
                if state.connections.isEmpty && state.pending == 0 { return true }
                state.drainWaiters.append(continuation)
                return false
            }
            if drained { continuation.resume() }
        }
    }

    /// On the acceptor's loop: admit the socket and move it to the next loop.
    private func accepted(_ socket: Socket, from peer: SocketAddress?) {
        let id = state.withLock { state -> UInt64? in
            guard state.lifecycle == .running,
                  state.connections.count + state.pending < configuration.maxConnections
            else { return nil }
            state.pending += 1
            state.nextID += 1
            return state.nextID
        }
        guard let id else {
            socket.close()
            return
        }
        let descriptor = socket.releaseDescriptor()
        let loop = group.next()
        loop.execute { [self] in
            let socket = Socket(descriptor: descriptor)
            socket.setNoDelay()
            if let bytes = configuration.socketSendBufferBytes { socket.setSendBufferSize(bytes) }
            let channel = SocketChannel(socket: socket, loop: loop, remoteAddress: peer)
            let connection = HTTPServerConnection(id: id, channel: channel, server: self, configuration: configuration)
            let shuttingDown = state.withLock { state -> Bool in
                state.pending -= 1
                state.connections[id] = Entry(
                    channel: LoopBound(channel, loop: loop), http: LoopBound(connection, loop: loop))
                return state.lifecycle != .running
            }
            do throws(SystemCallError) {
                try channel.activate()
            } catch {
                channel.delegate = connection
                channel.close(error: error)
                return
            }
            connection.start()
            if shuttingDown { connection.shutdown() }
        }
    }

    func connectionUpgraded(id: UInt64, to webSocket: WebSocketConnection) {
        state.withLock { state in
            state.connections[id]?.webSocket = webSocket
            state.connections[id]?.http = nil
        }
    }

    func connectionClosed(id: UInt64) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.connections[id] = nil
            guard state.connections.isEmpty && state.pending == 0 && state.lifecycle != .running else { return [] }
            let waiters = state.drainWaiters
            state.drainWaiters = []
            return waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
