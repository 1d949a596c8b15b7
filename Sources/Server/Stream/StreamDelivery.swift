import Foundation
import Orchestrator
import Synchronization
import Transport

/// What one stream connection has sent, and the rules for sending more: seq order per job, no duplicates, progress
/// within its token bucket, nothing while the client is backed up. Shared by the session actor and the
/// broadcaster's direct path, so an event for an idle, keeping-up dashboard is written by the publisher at once
/// instead of waking a task per connection.
final class StreamDelivery: Sendable {
    private struct State: Sendable {
        var lastSentSeq: [String: Int] = [:]
        var progressTokens: [String: (tokens: Double, at: Date)] = [:]
        var heldProgress: [String: JobUpdate] = [:]
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
        state.withLock { $0.lastSentSeq[jobId] = max($0.lastSentSeq[jobId] ?? 0, seq) }
    }

    /// The publisher's path: sends `update` now and returns true, or returns false to leave it to the session
    /// (held progress, an exhausted allowance, a backed-up client, or a subscribe in progress).
    func offerDirect(_ update: JobUpdate) -> Bool {
        state.withLock { state in
            guard state.directEnabled, connection.bufferedOutboundBytes <= highWaterBytes,
                  state.heldProgress[update.jobId] == nil else { return false }
            if update.seq <= state.lastSentSeq[update.jobId] ?? 0 { return true }
            if update.kind == .progress {
                guard Self.tokens(state.progressTokens[update.jobId], now: Date(), rate: progressPerSecond,
                                  burst: progressBurst) >= 1 else { return false }
            }
            send(update, in: &state, now: Date())
            return true
        }
    }

    /// The session's path. Returns how long to wait before `flushHeld` when the event was held.
    func deliver(_ update: JobUpdate) -> TimeInterval? {
        state.withLock { state in
            let id = update.jobId
            if update.seq <= state.lastSentSeq[id] ?? 0 { return nil }
            let now = Date()
            if update.kind == .progress {
                let tokens = Self.tokens(state.progressTokens[id], now: now, rate: progressPerSecond, burst: progressBurst)
                if tokens < 1 {
                    state.heldProgress[id] = update
                    return (1 - tokens) / progressPerSecond
                }
            } else if let held = state.heldProgress[id], held.seq < update.seq {
                // why: the state event carries newer counts; sending the older progress after it would break seq order
                state.heldProgress.removeValue(forKey: id)
            }
            send(update, in: &state, now: now)
            return nil
        }
    }

    /// Sends the held progress whose allowance has come back; returns how long until the next one may go.
    func flushHeld() -> TimeInterval? {
        state.withLock { state in
            let now = Date()
            var soonest: TimeInterval?
            for (id, update) in state.heldProgress {
                let tokens = Self.tokens(state.progressTokens[id], now: now, rate: progressPerSecond, burst: progressBurst)
                if tokens < 1 {
                    let wait = (1 - tokens) / progressPerSecond
                    soonest = min(soonest ?? wait, wait)
                    continue
                }
                state.heldProgress.removeValue(forKey: id)
                if update.seq > state.lastSentSeq[id] ?? 0 { send(update, in: &state, now: now) }
            }
            return soonest
        }
    }

    /// Sends a non-event message (hello, snapshot, error) in order with the events.
    func sendText(_ text: String) {
        state.withLock { _ in try? connection.send(text: text) }
    }

    private func send(_ update: JobUpdate, in state: inout State, now: Date) {
        let id = update.jobId
        if update.kind == .progress {
            let tokens = Self.tokens(state.progressTokens[id], now: now, rate: progressPerSecond, burst: progressBurst)
            state.progressTokens[id] = (tokens - 1, now)
        }
        state.lastSentSeq[id] = update.seq
        // why: under the lock, so the publisher's path and the session's never interleave one job's events
        try? connection.send(prepared: frames.frame(for: update))
    }

    private static func tokens(_ bucket: (tokens: Double, at: Date)?, now: Date, rate: Double, burst: Double) -> Double {
        guard let bucket else { return burst }
        return min(burst, bucket.tokens + max(0, now.timeIntervalSince(bucket.at)) * rate)
    }
}
