import Synchronization

/// Received messages waiting for the application. The loop pushes, the application pulls;
/// when more than the configured bytes wait, the loop stops reading the socket until the
/// application catches up. Decisions are made under the lock, continuations resumed outside.
final class WebSocketInbox: Sendable {
    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<WebSocketMessage?, Never>
    }

    private struct State {
        var messages: [WebSocketMessage] = []
        var head = 0
        var bufferedBytes = 0
        var waiters: [Waiter] = []
        var cancelledWaiters: Set<UInt64> = []
        var nextWaiterID: UInt64 = 0
        var finished = false
        var readingPaused = false
        /// Called once, when a reader first finds the finished buffer empty.
        var onDrained: (@Sendable () -> Void)?
    }

    private let state = Mutex(State())
    private let limit: Int
    private let resumeReading: @Sendable () -> Void

    init(limit: Int, resumeReading: @escaping @Sendable () -> Void) {
        self.limit = limit
        self.resumeReading = resumeReading
    }

    private static func size(of message: WebSocketMessage) -> Int {
        switch message {
        case .text(let text): text.utf8.count
        case .binary(let bytes): bytes.count
        }
    }

    /// Called by the loop. Returns false when reading should pause.
    func push(_ message: WebSocketMessage) -> Bool {
        let (waiter, keepReading) = state.withLock { state -> (Waiter?, Bool) in
            if state.finished { return (nil, true) }
            if !state.waiters.isEmpty { return (state.waiters.removeFirst(), true) }
            state.messages.append(message)
            state.bufferedBytes += Self.size(of: message)
            if state.bufferedBytes > limit {
                state.readingPaused = true
                return (nil, false)
            }
            return (nil, true)
        }
        waiter?.continuation.resume(returning: message)
        return keepReading
    }

    /// No more messages will come; waiting readers get nil once the buffer is drained.
    /// `onDrained` runs when the application has taken every message (a reader got nil): a
    /// failing connection waits for that, so replies to earlier messages go out before its close.
    func finish(onDrained: (@Sendable () -> Void)? = nil) {
        let (waiters, drained) = state.withLock { state -> ([Waiter], (@Sendable () -> Void)?) in
            state.finished = true
            if let onDrained { state.onDrained = onDrained }
            let waiters = state.waiters
            state.waiters = []
            if waiters.isEmpty { return ([], nil) }
            let drained = state.onDrained
            state.onDrained = nil
            return (waiters, drained)
        }
        for waiter in waiters { waiter.continuation.resume(returning: nil) }
        drained?()
    }

    private func takeDrainedCallback() -> (@Sendable () -> Void)? {
        state.withLock { state in
            let callback = state.onDrained
            state.onDrained = nil
            return callback
        }
    }

    private enum Taken {
        case message(WebSocketMessage, resumeReading: Bool)
        case finished
        case none
    }

    private func take(_ state: inout State) -> Taken {
        if state.head < state.messages.count {
            let message = state.messages[state.head]
            state.head += 1
            if state.head == state.messages.count {
                state.messages.removeAll(keepingCapacity: true)
                state.head = 0
            }
            state.bufferedBytes -= Self.size(of: message)
            var resume = false
            if state.readingPaused && state.bufferedBytes <= limit / 2 {
                state.readingPaused = false
                resume = true
            }
            return .message(message, resumeReading: resume)
        }
        return state.finished ? .finished : .none
    }

    func next() async -> WebSocketMessage? {
        let immediate = state.withLock { take(&$0) }
        switch immediate {
        case .message(let message, let resume):
            if resume { resumeReading() }
            return message
        case .finished:
            takeDrainedCallback()?()
            return nil
        case .none:
            break
        }
        let id = state.withLock { state -> UInt64 in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<WebSocketMessage?, Never>) in
                let taken = state.withLock { state -> Taken? in
                    if state.cancelledWaiters.remove(id) != nil { return .finished }
                    let taken = take(&state)
                    if case .none = taken {
                        state.waiters.append(Waiter(id: id, continuation: continuation))
                        return nil
                    }
                    return taken
                }
                switch taken {
                case nil: break
                case .message(let message, let resume)?:
                    if resume { resumeReading() }
                    continuation.resume(returning: message)
                case .finished?, .none?:
                    continuation.resume(returning: nil)
                    takeDrainedCallback()?()
                }
            }
        } onCancel: {
            let waiter = state.withLock { state -> Waiter? in
                if let index = state.waiters.firstIndex(where: { $0.id == id }) {
                    return state.waiters.remove(at: index)
                }
                state.cancelledWaiters.insert(id)
                return nil
            }
            waiter?.continuation.resume(returning: nil)
        }
    }
}
