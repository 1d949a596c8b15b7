import Foundation
import Orchestrator
import Synchronization
import Transport

/// The JSON text of each job event, encoded and framed once and shared by every stream connection that sends it: with a
/// thousand dashboards, encoding per connection was most of the server's CPU.
final class EventFrameCache: Sendable {
    private struct Key: Hashable, Sendable {
        var jobId: String
        var seq: Int
    }

    private struct State: Sendable {
        var frames: [Key: WebSocketPreparedText] = [:]
        var order: [Key] = []
        var head = 0
    }

    /// Events kept; older ones are encoded again if a late connection still needs them.
    let capacity: Int
    private let state = Mutex(State())
    private let latest = Mutex<(jobId: String, seq: Int, frame: WebSocketPreparedText)?>(nil)

    init(capacity: Int = 8_192) {
        self.capacity = capacity
    }

    func frame(for update: JobUpdate) -> WebSocketPreparedText {
        // why: a fan-out asks for the same event once per connection, back to back; comparing with the newest entry
        // is cheaper than hashing the job id every time
        if let newest = latest.withLock({ $0 }), newest.seq == update.seq, newest.jobId == update.jobId {
            return newest.frame
        }
        let key = Key(jobId: update.jobId, seq: update.seq)
        if let cached = state.withLock({ $0.frames[key] }) {
            latest.withLock { $0 = (update.jobId, update.seq, cached) }
            return cached
        }
        let text = WebSocketPreparedText(Self.encode(update))
        state.withLock { state in
            guard state.frames.updateValue(text, forKey: key) == nil else { return }
            state.order.append(key)
            if state.order.count - state.head > capacity {
                state.frames.removeValue(forKey: state.order[state.head])
                state.head += 1
                if state.head > capacity {
                    state.order.removeFirst(state.head)
                    state.head = 0
                }
            }
        }
        latest.withLock { $0 = (update.jobId, update.seq, text) }
        return text
    }

    static func encode(_ update: JobUpdate) -> String {
        struct Event: Encodable { var type = "job"; var event: String; var at: String; var job: JobSnapshot }
        let bytes = APIJSON.encode(Event(event: update.kind.rawValue, at: Timestamp.string(update.at), job: update.job))
        return String(decoding: bytes, as: UTF8.self)
    }
}
