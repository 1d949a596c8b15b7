import Synchronization

/// Holds a chunk inside `apply` until the test releases it, so a test can act "during" a chunk.
final class Gate: Sendable {
    private struct State {
        var entered = false
        var released = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    /// True once a chunk is waiting at (or went through) the gate.
    var hasEntered: Bool { state.withLock { $0.entered } }

    /// Waits until `release()` (returns at once if it already was released).
    func pass() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { state -> Bool in
                state.entered = true
                if state.released { return true }
                state.waiter = continuation
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    func release() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.released = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }
}
