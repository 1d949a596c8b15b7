import Synchronization

/// One stream connection whose events the scenario can wait for: "the first event of job X in state paused",
/// with a timeout. Every event is kept (scenarios using it see a few thousand at most).
final class StreamWatch: Sendable {
    private struct Waiter {
        let id: UInt64
        let matches: @Sendable (StreamEvent) -> Bool
        let continuation: CheckedContinuation<StreamEvent?, Never>
    }

    private struct State {
        var events: [StreamEvent] = []
        var waiters: [Waiter] = []
        var nextId: UInt64 = 0
        /// Timeouts that fired before their waiter was registered.
        var expired: Set<UInt64> = []
        var ended = false
    }

    let connection: StreamConnection
    private let state = Mutex(State())

    private init(connection: StreamConnection) {
        self.connection = connection
    }

    /// Opens a connection, subscribes to every job and waits for the snapshot.
    static func open(_ target: ServerTarget, jobs: [String] = ["*"]) async throws -> StreamWatch {
        let watch = StreamWatch(connection: try await StreamConnection.open(target))
        Task { await watch.read() }
        try watch.connection.subscribe(jobs)
        guard await watch.next(timeout: 30, where: { $0.kind == .snapshot }) != nil else {
            throw BenchError("no snapshot within 30 s of subscribing")
        }
        return watch
    }

    private func read() async {
        for await message in connection.socket.messages {
            guard case .text(let text) = message else { continue }
            let event = StreamEvent.scan(text, receivedMicros: WallClock.micros())
            let ready = state.withLock { state -> [(CheckedContinuation<StreamEvent?, Never>, StreamEvent)] in
                state.events.append(event)
                var ready: [(CheckedContinuation<StreamEvent?, Never>, StreamEvent)] = []
                state.waiters.removeAll { waiter in
                    guard waiter.matches(event) else { return false }
                    ready.append((waiter.continuation, event))
                    return true
                }
                return ready
            }
            for (continuation, event) in ready { continuation.resume(returning: event) }
        }
        let waiters = state.withLock { state in
            state.ended = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.continuation.resume(returning: nil) }
    }

    /// Events received so far; pass it to `next(after:)` to wait only for later ones.
    var position: Int { state.withLock { $0.events.count } }

    var events: [StreamEvent] { state.withLock { $0.events } }

    /// The first event at or after `position` that matches, or nil after `timeout` seconds or when the stream ends.
    func next(after position: Int = 0, timeout: Double, where matches: @escaping @Sendable (StreamEvent) -> Bool)
        async -> StreamEvent? {
        let id = state.withLock { state -> UInt64 in
            state.nextId += 1
            return state.nextId
        }
        let timer = Task {
            try? await Task.sleep(nanoseconds: UInt64(timeout * 1e9))
            self.expire(id)
        }
        defer { timer.cancel() }
        return await withCheckedContinuation { continuation in
            let found = state.withLock { state -> StreamEvent?? in
                if let event = state.events[min(position, state.events.count)...].first(where: matches) {
                    return .some(event)
                }
                if state.ended || state.expired.remove(id) != nil { return .some(nil) }
                state.waiters.append(Waiter(id: id, matches: matches, continuation: continuation))
                return nil
            }
            if let found { continuation.resume(returning: found) }
        }
    }

    private func expire(_ id: UInt64) {
        let waiter = state.withLock { state -> Waiter? in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else {
                state.expired.insert(id)
                return nil
            }
            return state.waiters.remove(at: index)
        }
        waiter?.continuation.resume(returning: nil)
    }

    func close() async {
        await connection.close()
    }
}
