import Orchestrator
import Synchronization
import Transport

/// One broadcaster lane per network event loop: each event reaches a loop's stream connections in one batch run on
/// that loop, so the loops write to their sockets in parallel and a send needs no hand-off between threads.
final class EventLoopLanes: Sendable {
    private let lanes = Mutex<[ObjectIdentifier: EventLane]>([:])

    func lane(for loop: EventLoop) -> EventLane {
        lanes.withLock { lanes in
            if let lane = lanes[ObjectIdentifier(loop)] { return lane }
            let lane = EventLane(submit: { loop.enqueue($0) }, wake: { loop.wakeUp() })
            lanes[ObjectIdentifier(loop)] = lane
            return lane
        }
    }
}
