import Foundation
import Synchronization

/// A runner's "stop at the next chunk boundary" flag, set synchronously by the supervisor; it also wakes a runner
/// that is sleeping for its throttle or back-off, since a sleeping runner is already at a boundary.
final class StopSignal: Sendable {
    private struct State: Sendable {
        var requested = false
        var wakers: [UInt64: @Sendable () -> Void] = [:]
        var nextId: UInt64 = 0
    }

    private let state = Mutex(State())

    var isRequested: Bool { state.withLock { $0.requested } }

    func request() {
        let wakers = state.withLock { state -> [@Sendable () -> Void] in
            state.requested = true
            defer { state.wakers.removeAll() }
            return Array(state.wakers.values)
        }
        for wake in wakers { wake() }
    }

    /// Withdraws a request the runner has not acted on yet (resume while pausing).
    func withdraw() {
        state.withLock { $0.requested = false }
    }

    /// Sleeps until `deadline` on `clock`; returns early (without error) when a stop is requested.
    func sleep(until deadline: Date, on clock: any JobClock) async {
        let task = Task { try await clock.sleep(until: deadline) }
        let registered: UInt64? = state.withLock { state in
            if state.requested { return nil }
            state.nextId += 1
            state.wakers[state.nextId] = { task.cancel() }
            return state.nextId
        }
        guard let id = registered else {
            task.cancel()
            return
        }
        _ = try? await task.value
        _ = state.withLock { $0.wakers.removeValue(forKey: id) }
    }
}
