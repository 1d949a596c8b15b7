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
        /// When set, messages go straight to it on the loop thread instead of waiting here.
        var handler: (@Sendable (WebSocketMessage) -> Void)?
        /// The setter is still handing over what was queued before; new messages queue behind it.
        var handingOver = false
        /// Left by `poll(orWake:)` when it found nothing: called once, when a message arrives or the inbox finishes.
        var wake: (@Sendable () -> Void)?
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
        let (waiter, keepReading, direct, wake) = state.withLock {
            state -> (Waiter?, Bool, (@Sendable (WebSocketMessage) -> Void)?, (@Sendable () -> Void)?) in
            if state.finished { return (nil, true, nil, nil) }
            if let handler = state.handler, !state.handingOver, state.head >= state.messages.count {
                return (nil, true, handler, nil)
            }
            if state.handler == nil, !state.waiters.isEmpty { return (state.waiters.removeFirst(), true, nil, nil) }
            state.messages.append(message)
            state.bufferedBytes += Self.size(of: message)
            let wake = state.wake
            state.wake = nil
            if state.handler == nil, state.bufferedBytes > limit {
                state.readingPaused = true
                return (nil, false, nil, wake)
            }
            return (nil, true, nil, wake)
        }
        direct?(message)
        waiter?.continuation.resume(returning: message)
        wake?()
        return keepReading
    }

    /// The next message without waiting. When none is buffered it returns nil and `wake` is called once, when one
    /// arrives or the inbox finishes (nothing is left to wake for once it has finished and is drained).
    func poll(orWake wake: @escaping @Sendable () -> Void) -> WebSocketMessage? {
        let taken = state.withLock { state -> Taken in
            let taken = take(&state)
            if case .none = taken { state.wake = wake }
            return taken
        }
        return settle(taken) ?? nil
    }

    /// Acts on what `take` found (resumes reading when taking made room; runs the drained callback at the end) and
    /// returns the message, `.some(nil)` at the end, or nil when nothing is buffered yet.
    private func settle(_ taken: Taken) -> WebSocketMessage?? {
        switch taken {
        case .message(let message, let resume):
            if resume { resumeReading() }
            return .some(message)
        case .finished:
            takeDrainedCallback()?()
            return .some(nil)
        case .none:
            return nil
        }
    }

    /// From now on every message goes to `handler` as it arrives (on the loop thread), in order, after those that
    /// were already waiting.
    func deliver(to handler: @escaping @Sendable (WebSocketMessage) -> Void) {
        var batch: [WebSocketMessage] = state.withLock { state in
            state.handler = handler
            state.handingOver = true
            return takeAll(&state)
        }
        var resume = false
        while !batch.isEmpty {
            for message in batch { handler(message) }
            batch = state.withLock { state in
                let more = takeAll(&state)
                if more.isEmpty {
                    state.handingOver = false
                    resume = state.readingPaused
                    state.readingPaused = false
                }
                return more
            }
        }
        state.withLock { state in
            if state.handingOver {
                state.handingOver = false
                resume = resume || state.readingPaused
                state.readingPaused = false
            }
        }
        if resume { resumeReading() }
    }

    private func takeAll(_ state: inout State) -> [WebSocketMessage] {
        guard state.head < state.messages.count else { return [] }
        let all = Array(state.messages[state.head...])
        state.messages.removeAll(keepingCapacity: true)
        state.head = 0
        state.bufferedBytes = 0
        return all
    }

    /// No more messages will come; waiting readers get nil once the buffer is drained.
    /// `onDrained` runs when the application has taken every message (a reader got nil): a
    /// failing connection waits for that, so replies to earlier messages go out before its close.
    func finish(onDrained: (@Sendable () -> Void)? = nil) {
        let (waiters, drained, wake) = state.withLock {
            state -> ([Waiter], (@Sendable () -> Void)?, (@Sendable () -> Void)?) in
            state.finished = true
            if let onDrained { state.onDrained = onDrained }
            // why: the woken poller finds the end itself (and runs `onDrained` when it has taken everything)
            let wake = state.wake
            state.wake = nil
            let waiters = state.waiters
            state.waiters = []
            if waiters.isEmpty { return ([], nil, wake) }
            let drained = state.onDrained
            state.onDrained = nil
            return (waiters, drained, wake)
        }
        for waiter in waiters { waiter.continuation.resume(returning: nil) }
        drained?()
        wake?()
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
                // why: most connections receive little; an empty inbox should not hold storage between messages
                state.messages.removeAll()
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
        if let immediate = settle(state.withLock { take(&$0) }) { return immediate }
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
