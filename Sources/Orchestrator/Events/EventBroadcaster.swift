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

        mutating func record(_ update: JobUpdate, keep: Int, clock: UInt64) {
            events.append(update)
            if events.count > keep * 2 { events.removeFirst(events.count - keep) }
            lastTouched = clock
        }
    }

    /// Subscribers handed their events together: one group for the publisher's own thread (no lane), one per lane.
    private struct Group: Sendable {
        var lane: EventLane?
        var subscribers: [EventSubscription] = []
    }

    private struct State: Sendable {
        var groups: [ObjectIdentifier?: Group] = [:]
        var laneOf: [UInt64: ObjectIdentifier?] = [:]
        var nextId: UInt64 = 0
        var history: [String: History] = [:]
        var clock: UInt64 = 0
        var prepare: (@Sendable (JobUpdate) -> Void)?
    }

    public let configuration: Configuration
    private let state = Mutex(State())

    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
    }

    /// A new subscriber that receives every event published from now on that passes its filter. With a `lane`, its
    /// events are offered by the lane's executor, in one batch with the lane's other subscribers.
    public func subscribe(filter: EventSubscription.Filter = .all, lane: EventLane? = nil) -> EventSubscription {
        state.withLock { state in
            state.nextId += 1
            let subscription = EventSubscription(id: state.nextId, filter: filter,
                                                 maxPending: configuration.maxPendingPerSubscriber,
                                                 broadcaster: self)
            let key = lane.map(ObjectIdentifier.init)
            state.groups[key, default: Group(lane: lane)].subscribers.append(subscription)
            state.laneOf[state.nextId] = key
            return subscription
        }
    }

    func remove(_ id: UInt64) {
        state.withLock { state in
            guard let key = state.laneOf.removeValue(forKey: id) else { return }
            state.groups[key]?.subscribers.removeAll { $0.id == id }
            if state.groups[key]?.subscribers.isEmpty == true { state.groups.removeValue(forKey: key) }
        }
    }

    public var subscriberCount: Int { state.withLock { $0.laneOf.count } }

    /// Runs `prepare` once for each event before it is handed to any subscriber, on the publisher's thread: work
    /// every subscriber would otherwise repeat (such as encoding the event) is done once, before lanes run in
    /// parallel.
    public func setPreparation(_ prepare: (@Sendable (JobUpdate) -> Void)?) {
        state.withLock { $0.prepare = prepare }
    }

    /// Delivers `update` to every subscriber and records it for replay.
    public func publish(_ update: JobUpdate) {
        let (groups, prepare) = state.withLock { state -> ([Group], (@Sendable (JobUpdate) -> Void)?) in
            state.clock += 1
            let clock = state.clock
            let keep = configuration.historyPerJob
            // why: in place; copying the history out and back would copy up to 2,000 events on every publish
            state.history[update.jobId, default: History()].record(update, keep: keep, clock: clock)
            if state.history.count > configuration.historyJobs {
                if let oldest = state.history.min(by: { $0.value.lastTouched < $1.value.lastTouched })?.key {
                    state.history.removeValue(forKey: oldest)
                }
            }
            return (Array(state.groups.values), state.groups.isEmpty ? nil : state.prepare)
        }
        prepare?(update)
        // why: each subscription has its own lock; delivering outside ours keeps publish cost per subscriber small
        var batches: [(lane: EventLane, work: @Sendable () -> Void)] = []
        for group in groups {
            let subscribers = group.subscribers
            if let lane = group.lane {
                batches.append((lane, { for subscriber in subscribers { subscriber.offer(update) } }))
            } else {
                for subscriber in subscribers { subscriber.offer(update) }
            }
        }
        EventLane.dispatch(batches)
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
