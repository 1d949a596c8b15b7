import Foundation
import Orchestrator
import Synchronization
import Transport

/// What one stream connection has sent, and the rules for sending more: seq order per job, no duplicates, progress
/// within its token bucket, nothing while the client is backed up. Shared by the session actor and the
/// broadcaster's direct path, so an event for an idle, keeping-up dashboard is written by the publisher at once
/// instead of waking a task per connection.
final class StreamDelivery: Sendable {
    /// What was sent of one job.
    private struct JobState: Sendable {
        var lastSentSeq = 0
        var tokens: Double
        var tokensAt: Date?
        var held: JobUpdate?
    }

    private struct State: Sendable {
        /// One entry per job, so that an event costs one lookup of its job id.
        var jobs: [String: JobState] = [:]
        /// Jobs with held progress, so that a flush does not walk every job.
        var heldJobs: Set<String> = []
        /// Off while a subscribe builds its snapshot, so no event overtakes it.
        var directEnabled = false
    }

    private let connection: WebSocketConnection
    private let frames: EventFrameCache
    private let progressPerSecond: Double
    private let progressBurst: Double
    private let highWaterBytes: Int
    private let state = Mutex(State())

    init(connection: WebSocketConnection, frames: EventFrameCache, progressPerSecond: Int, progressBurst: Double,
         highWaterBytes: Int) {
        self.connection = connection
        self.frames = frames
        self.progressPerSecond = Double(progressPerSecond)
        self.progressBurst = progressBurst
        self.highWaterBytes = highWaterBytes
    }

    func setDirect(_ enabled: Bool) {
        state.withLock { $0.directEnabled = enabled }
    }

    /// Records that a snapshot carried the job at `seq`, so older events of it are not sent again.
    func noteSnapshot(jobId: String, seq: Int) {
        state.withLock { state in
            state.jobs[jobId, default: JobState(tokens: progressBurst)].lastSentSeq =
                max(state.jobs[jobId]?.lastSentSeq ?? 0, seq)
        }
    }

    /// The publisher's path: sends `update` now and returns true, or returns false to leave it to the session
    /// (held progress, an exhausted allowance, a backed-up client, or a subscribe in progress).
    func offerDirect(_ update: JobUpdate) -> Bool {
        state.withLock { state in
            guard state.directEnabled, connection.bufferedOutboundBytes <= highWaterBytes else { return false }
            let burst = progressBurst
            return Self.modify(&state.jobs, update.jobId, burst: burst) { job in
                guard job.held == nil else { return false }
                if update.seq <= job.lastSentSeq { return true }
                let now = Date()
                if update.kind == .progress {
                    guard available(job, now: now) >= 1 else { return false }
                }
                send(update, job: &job, now: now)
                return true
            }
        }
    }

    /// The session's path. Returns how long to wait before `flushHeld` when the event was held.
    func deliver(_ update: JobUpdate) -> TimeInterval? {
        state.withLock { state in
            let id = update.jobId
            let burst = progressBurst
            let wait: TimeInterval?? = Self.modify(&state.jobs, id, burst: burst) { job in
                if update.seq <= job.lastSentSeq { return .some(nil) }
                let now = Date()
                if update.kind == .progress {
                    let tokens = available(job, now: now)
                    if tokens < 1 {
                        job.held = update
                        return .some((1 - tokens) / progressPerSecond)
                    }
                } else if let held = job.held, held.seq < update.seq {
                    // why: the state event carries newer counts; sending the older progress after it would break seq order
                    job.held = nil
                }
                send(update, job: &job, now: now)
                return nil
            }
            if case .some(.some) = wait { state.heldJobs.insert(id) }
            return wait ?? nil
        }
    }

    /// Sends the held progress whose allowance has come back; returns how long until the next one may go.
    func flushHeld() -> TimeInterval? {
        state.withLock { state in
            let now = Date()
            var soonest: TimeInterval?
            for id in state.heldJobs {
                guard var job = state.jobs[id], let update = job.held else {
                    state.heldJobs.remove(id)
                    continue
                }
                let tokens = available(job, now: now)
                if tokens < 1 {
                    let wait = (1 - tokens) / progressPerSecond
                    soonest = min(soonest ?? wait, wait)
                    continue
                }
                job.held = nil
                state.heldJobs.remove(id)
                if update.seq > job.lastSentSeq { send(update, job: &job, now: now) }
                state.jobs[id] = job
            }
            return soonest
        }
    }

    /// Sends a non-event message (hello, snapshot, error) in order with the events.
    func sendText(_ text: String) {
        state.withLock { _ in try? connection.send(text: text) }
    }

    /// Runs `body` on the job's entry in place (created with a full allowance when new).
    private static func modify<T>(_ jobs: inout [String: JobState], _ id: String, burst: Double,
                                  _ body: (inout JobState) -> T) -> T {
        body(&jobs[id, default: JobState(tokens: burst)])
    }

    private func send(_ update: JobUpdate, job: inout JobState, now: Date) {
        if update.kind == .progress {
            job.tokens = available(job, now: now) - 1
            job.tokensAt = now
        }
        job.lastSentSeq = update.seq
        // why: under the lock, so the publisher's path and the session's never interleave one job's events
        try? connection.send(prepared: frames.frame(for: update))
    }

    private func available(_ job: JobState, now: Date) -> Double {
        guard let at = job.tokensAt else { return job.tokens }
        return min(progressBurst, job.tokens + max(0, now.timeIntervalSince(at)) * progressPerSecond)
    }
}
