import Synchronization

/// One subscriber's buffered view of the job updates: an AsyncSequence that ends when the subscriber is closed
/// or falls too far behind (`overflowed` then tells why).
public final class EventSubscription: AsyncSequence, Sendable {
    public typealias Element = JobUpdate

    /// Which jobs a subscriber wants.
    public enum Filter: Sendable, Equatable {
        /// Every job.
        case all
        /// Only these jobs.
        case jobs(Set<String>)
        /// Nothing (until told otherwise).
        case none

        func accepts(_ jobId: String) -> Bool {
            switch self {
            case .all: true
            case .jobs(let ids): ids.contains(jobId)
            case .none: false
            }
        }
    }

    private struct Buffer: Sendable {
        var entries: [JobUpdate?] = []
        var head = 0
        var live = 0
        var newestProgressSlot: [String: Int] = [:]
        var waiter: CheckedContinuation<JobUpdate?, Never>?
        var closed = false
        var overflowed = false
        var filter: Filter
        /// The reader is handling an event it took; new events must queue behind it.
        var readerBusy = false
        var direct: (@Sendable (JobUpdate) -> Bool)?
        /// Set by a reader that runs only while events are queued (`setWakeup`): called when one is queued while
        /// that reader is idle.
        var wakeup: (@Sendable () -> Void)?
        /// The wake-up reader took nil from `poll()` and has not been woken since.
        var readerIdle = true
    }

    public let id: UInt64
    private let maxPending: Int
    private let buffer: Mutex<Buffer>
    private weak let broadcaster: EventBroadcaster?

    init(id: UInt64, filter: Filter, maxPending: Int, broadcaster: EventBroadcaster) {
        self.id = id
        self.maxPending = maxPending
        self.buffer = Mutex(Buffer(filter: filter))
        self.broadcaster = broadcaster
    }

    /// Replaces the filter; events already buffered stay.
    public func setFilter(_ filter: Filter) {
        buffer.withLock { $0.filter = filter }
    }

    public var filter: Filter { buffer.withLock { $0.filter } }

    /// True when the subscription ended because the subscriber stopped reading.
    public var overflowed: Bool { buffer.withLock { $0.overflowed } }

    /// Events waiting to be read.
    public var pendingCount: Int { buffer.withLock { $0.live } }

    /// Lets the publisher hand events straight to `deliver` while nothing is queued and the reader is idle; when it
    /// returns false the event is queued as usual. The reader must call `finishedEvent()` after each event it takes.
    public func setDirectDelivery(_ deliver: (@Sendable (JobUpdate) -> Bool)?) {
        buffer.withLock { $0.direct = deliver }
    }

    /// The reader is done with the event `next()` or `poll()` gave it.
    public func finishedEvent() {
        buffer.withLock { $0.readerBusy = false }
    }

    /// For a reader that runs only while there is something to read, instead of one that waits in `next()` for the
    /// subscription's whole life: `wakeup` is called (on the publisher's thread, outside the lock; it must not block)
    /// when an event is queued, or the subscription is cut off, while that reader is idle. The woken reader takes
    /// events with `poll()` until it returns nil, which makes it idle again. Called at once when events are already
    /// queued; nil removes it.
    public func setWakeup(_ wakeup: (@Sendable () -> Void)?) {
        let wakeNow: (@Sendable () -> Void)? = buffer.withLock { buffer in
            buffer.wakeup = wakeup
            guard let wakeup, buffer.readerIdle, buffer.live > 0 || buffer.overflowed else { return nil }
            buffer.readerIdle = false
            return wakeup
        }
        wakeNow?()
    }

    /// The next queued event without waiting; nil when none is queued or the subscription has ended (`overflowed`
    /// tells whether it was cut off). Nil leaves the wake-up reader idle: the next queued event wakes it again.
    public func poll() -> JobUpdate? {
        buffer.withLock { buffer in
            if !buffer.overflowed, let update = Self.take(&buffer) {
                if buffer.direct != nil { buffer.readerBusy = true }
                return update
            }
            buffer.readerIdle = true
            return nil
        }
    }

    func offer(_ update: JobUpdate) {
        let (resume, wakeup) = buffer.withLock { buffer -> ((CheckedContinuation<JobUpdate?, Never>, JobUpdate?)?,
                                                            (@Sendable () -> Void)?) in
            guard !buffer.closed, buffer.filter.accepts(update.jobId) else { return (nil, nil) }
            // why: in order only when nothing is queued or in the reader's hands; the publisher's caller serialises
            // offers, and this lock serialises them against the reader
            if buffer.live == 0, !buffer.readerBusy, let direct = buffer.direct, direct(update) { return (nil, nil) }
            if let waiter = buffer.waiter {
                buffer.waiter = nil
                if buffer.direct != nil { buffer.readerBusy = true }
                return ((waiter, update), nil)
            }
            if update.kind == .progress, let slot = buffer.newestProgressSlot[update.jobId] {
                // why: an older progress of this job is still unread; the newer one supersedes it, and it moves
                // to the end so that events of one job stay in seq order
                buffer.entries[slot] = nil
                buffer.live -= 1
            }
            if buffer.live >= maxPending {
                buffer.closed = true
                buffer.overflowed = true
                return (nil, Self.takeWakeup(&buffer))
            }
            buffer.entries.append(update)
            buffer.live += 1
            if update.kind == .progress {
                buffer.newestProgressSlot[update.jobId] = buffer.entries.count - 1
            }
            return (nil, Self.takeWakeup(&buffer))
        }
        if let (waiter, value) = resume { waiter.resume(returning: value) }
        wakeup?()
    }

    /// The wake-up to call when the wake-up reader is idle, which it then no longer is.
    private static func takeWakeup(_ buffer: inout Buffer) -> (@Sendable () -> Void)? {
        guard buffer.readerIdle, let wakeup = buffer.wakeup else { return nil }
        buffer.readerIdle = false
        return wakeup
    }

    /// The next event, or nil once closed and drained (or overflowed).
    public func next() async -> JobUpdate? {
        let immediate: JobUpdate?? = buffer.withLock { buffer in
            if buffer.overflowed { return .some(nil) }
            if let update = Self.take(&buffer) {
                if buffer.direct != nil { buffer.readerBusy = true }
                return .some(update)
            }
            return buffer.closed ? .some(nil) : nil
        }
        if let immediate { return immediate }
        return await withCheckedContinuation { continuation in
            let resumeNow: JobUpdate?? = buffer.withLock { buffer in
                if let update = Self.take(&buffer) {
                    if buffer.direct != nil { buffer.readerBusy = true }
                    return .some(update)
                }
                if buffer.closed { return .some(nil) }
                buffer.waiter = continuation
                return nil
            }
            if let resumeNow { continuation.resume(returning: resumeNow) }
        }
    }

    /// Takes every buffered event without waiting.
    public func drain() -> [JobUpdate] {
        buffer.withLock { buffer in
            var out: [JobUpdate] = []
            while let update = Self.take(&buffer) { out.append(update) }
            return out
        }
    }

    private static func take(_ buffer: inout Buffer) -> JobUpdate? {
        while buffer.head < buffer.entries.count {
            let slot = buffer.head
            buffer.head += 1
            if let update = buffer.entries[slot] {
                buffer.entries[slot] = nil
                buffer.live -= 1
                if update.kind == .progress, buffer.newestProgressSlot[update.jobId] == slot {
                    buffer.newestProgressSlot.removeValue(forKey: update.jobId)
                }
                compactIfNeeded(&buffer)
                return update
            }
        }
        compactIfNeeded(&buffer)
        return nil
    }

    private static func compactIfNeeded(_ buffer: inout Buffer) {
        guard buffer.head > 1_024, buffer.head * 2 > buffer.entries.count else { return }
        let shift = buffer.head
        buffer.entries.removeFirst(shift)
        buffer.head = 0
        buffer.newestProgressSlot = buffer.newestProgressSlot.mapValues { $0 - shift }
    }

    /// Ends the subscription; a pending `next()` returns nil.
    public func close() {
        let waiter: CheckedContinuation<JobUpdate?, Never>? = buffer.withLock { buffer in
            buffer.closed = true
            // why: the wake-up usually captures the reader, which holds this subscription
            buffer.wakeup = nil
            defer { buffer.waiter = nil }
            return buffer.waiter
        }
        waiter?.resume(returning: nil)
        broadcaster?.remove(id)
    }

    public func makeAsyncIterator() -> Iterator { Iterator(subscription: self) }

    /// Iterates a subscription.
    public struct Iterator: AsyncIteratorProtocol {
        let subscription: EventSubscription
        public mutating func next() async -> JobUpdate? { await subscription.next() }
    }
}
