import Foundation
import Synchronization

/// Fans job updates out to subscribers without ever blocking a publisher: each subscriber's buffer keeps every
/// state change and only the newest progress of each job, so a slow dashboard costs memory bounded per job.
public final class EventBroadcaster: Sendable {
    /// Limits of the broadcaster.
    public struct Configuration: Sendable {
        /// Events of each job kept for `since` replay (the API promises at least 1,000).
        public var historyPerJob: Int = 1_000
        /// Jobs whose history is kept; the least recently updated are forgotten first.
        public var historyJobs: Int = 512
        /// Undelivered events one subscriber may hold before it is cut off as stalled.
        public var maxPendingPerSubscriber: Int = 50_000
        public init() {}
    }

    private struct History: Sendable {
        var events: [JobUpdate] = []
        var lastTouched: UInt64 = 0
    }

    private struct State: Sendable {
        var subscribers: [UInt64: EventSubscription] = [:]
        var nextId: UInt64 = 0
        var history: [String: History] = [:]
        var clock: UInt64 = 0
    }

    public let configuration: Configuration
    private let state = Mutex(State())

    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
    }

    /// A new subscriber that receives every event published from now on that passes its filter.
    public func subscribe(filter: EventSubscription.Filter = .all) -> EventSubscription {
        state.withLock { state in
            state.nextId += 1
            let subscription = EventSubscription(id: state.nextId, filter: filter,
                                                 maxPending: configuration.maxPendingPerSubscriber,
                                                 broadcaster: self)
            state.subscribers[state.nextId] = subscription
            return subscription
        }
    }

    func remove(_ id: UInt64) {
        _ = state.withLock { $0.subscribers.removeValue(forKey: id) }
    }

    public var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    /// Delivers `update` to every subscriber and records it for replay.
    public func publish(_ update: JobUpdate) {
        let subscribers: [EventSubscription] = state.withLock { state in
            state.clock += 1
            var history = state.history[update.jobId] ?? History()
            history.events.append(update)
            if history.events.count > configuration.historyPerJob * 2 {
                history.events.removeFirst(history.events.count - configuration.historyPerJob)
            }
            history.lastTouched = state.clock
            state.history[update.jobId] = history
            if state.history.count > configuration.historyJobs {
                if let oldest = state.history.min(by: { $0.value.lastTouched < $1.value.lastTouched })?.key {
                    state.history.removeValue(forKey: oldest)
                }
            }
            return Array(state.subscribers.values)
        }
        // why: each subscription has its own lock; delivering outside ours keeps publish cost per subscriber small
        for subscriber in subscribers { subscriber.offer(update) }
    }

    /// The events of `jobId` with a seq above `seq`, or nil when the history no longer reaches back that far.
    public func replay(jobId: String, after seq: Int) -> [JobUpdate]? {
        state.withLock { state in
            guard let events = state.history[jobId]?.events.suffix(configuration.historyPerJob) else { return nil }
            guard let first = events.first else { return nil }
            if first.seq > seq + 1 { return nil }
            return events.filter { $0.seq > seq }
        }
    }
}
