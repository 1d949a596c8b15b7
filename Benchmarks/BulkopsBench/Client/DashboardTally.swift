import Synchronization
import Transport

/// What one dashboard connection received, kept by its reader and taken by the scenario at the end of each round:
/// the delivery latency of every job event (receipt time minus the event's `at`), seq gaps per job (events the
/// server coalesced or dropped), events out of seq order, late events, and each job's `finished` count.
final class DashboardTally: Sendable {
    /// The part that restarts with every round.
    struct Round: Sendable {
        /// Event `at` → the kernel's receipt of the message on the dashboard's socket.
        var latencies: [UInt32] = []
        /// Event `at` → the harness's handler for the message (adds the harness's own queueing on a shared machine).
        var handlerLatencies: [UInt32] = []
        /// Per event, its latency on this dashboard: merged over dashboards, it tells a late start of the fan-out
        /// (every dashboard late) from a slow fan-out (the last dashboard much later than the first).
        var byEvent: [EventKey: UInt32] = [:]
        var received = 0
        var missed = 0
        var late = 0
        var outOfOrder = 0
    }

    /// One event of one job.
    struct EventKey: Hashable, Sendable {
        var jobId: String
        var seq: Int
    }

    private struct State {
        var round = Round()
        var lastSeq: [String: Int] = [:]
        var finished: [String: Int] = [:]
        var snapshots = 0
        var ended: WebSocketCloseInfo?
        var readerEnded = false
    }

    private let state = Mutex(State())
    private let lateMicros: Int64

    init(lateMicros: Int64) {
        self.lateMicros = lateMicros
    }

    /// Reads the connection until it closes.
    func read(_ socket: WebSocketConnection) async {
        // why: timestamped on the event loop as each message arrives; a task wake-up per message and connection
        // would measure the harness's own scheduling more than the server
        socket.receiveMessages { [self] message in
            guard case .text(let text) = message else { return }
            let handled = WallClock.micros()
            let kernel = socket.lastReceivedMicros
            record(StreamEvent.scan(text, receivedMicros: kernel > 0 ? min(kernel, handled) : handled),
                   handledMicros: handled)
        }
        for await _ in socket.messages {}
        let info = socket.closeInfo
        state.withLock { state in
            state.ended = info
            state.readerEnded = true
        }
    }

    func record(_ event: StreamEvent, handledMicros: Int64) {
        state.withLock { state in
            switch event.kind {
            case .snapshot:
                state.snapshots += 1
            case .created, .state, .progress, .finished:
                let latency = max(0, event.receivedMicros - event.atMicros)
                state.round.received += 1
                state.round.latencies.append(UInt32(min(latency, Int64(UInt32.max))))
                state.round.byEvent[EventKey(jobId: event.jobId, seq: event.seq)] = UInt32(min(latency, Int64(UInt32.max)))
                let handled = max(0, handledMicros - event.atMicros)
                state.round.handlerLatencies.append(UInt32(min(handled, Int64(UInt32.max))))
                if latency > lateMicros { state.round.late += 1 }
                let last = state.lastSeq[event.jobId] ?? 0
                if event.seq <= last {
                    state.round.outOfOrder += 1
                } else {
                    state.round.missed += event.seq - last - 1
                    state.lastSeq[event.jobId] = event.seq
                }
                if event.kind == .finished { state.finished[event.jobId, default: 0] += 1 }
            default:
                break
            }
        }
    }

    /// The round so far; starts the next.
    func takeRound() -> Round {
        state.withLock { state in
            defer { state.round = Round() }
            return state.round
        }
    }

    var snapshots: Int { state.withLock { $0.snapshots } }

    func finishedCount(_ jobId: String) -> Int { state.withLock { $0.finished[jobId] ?? 0 } }

    func lastSeq(_ jobId: String) -> Int { state.withLock { $0.lastSeq[jobId] ?? 0 } }

    /// Set once the reader saw the connection close (by either side).
    var readerEnded: Bool { state.withLock { $0.readerEnded } }

    var closeInfo: WebSocketCloseInfo? { state.withLock { $0.ended } }
}
