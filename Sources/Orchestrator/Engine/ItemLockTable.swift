/// Which job holds which item, and which jobs wait for items: an item is held by at most one active job, and
/// waiting jobs get their items in the order they asked (a later job never overtakes an earlier one on an item).
public struct ItemLockTable: Sendable {
    /// The overlap of a selection with other jobs' items.
    public struct Conflict: Sendable, Equatable {
        /// The holding (or earlier waiting) jobs, in first-seen order.
        public var jobs: [String]
        /// Up to `sampleLimit` overlapping item ids.
        public var items: [String]
        /// The number of overlapping items.
        public var count: Int
    }

    private struct Waiter: Sendable {
        var jobId: String
        var items: Set<String>
    }

    /// How many overlapping item ids a conflict lists.
    public var sampleLimit: Int
    private var holderOfItem: [String: String] = [:]
    private var itemsOfHolder: [String: [String]] = [:]
    private var waiters: [Waiter] = []

    public init(sampleLimit: Int = 100) {
        self.sampleLimit = sampleLimit
    }

    public func holds(_ jobId: String) -> Bool { itemsOfHolder[jobId] != nil }
    public func isWaiting(_ jobId: String) -> Bool { waiters.contains { $0.jobId == jobId } }
    public func holder(of item: String) -> String? { holderOfItem[item] }

    /// The overlap of `items` with every holder and waiter other than `jobId`; nil when there is none.
    public func conflict(for items: [String], ignoring jobId: String? = nil) -> Conflict? {
        var jobs: [String] = []
        var seenJobs = Set<String>()
        var sample: [String] = []
        var count = 0
        for item in items {
            var owner = holderOfItem[item]
            if owner == jobId { owner = nil }
            if owner == nil {
                owner = waiters.first { $0.jobId != jobId && $0.items.contains(item) }?.jobId
            }
            guard let owner else { continue }
            count += 1
            if sample.count < sampleLimit { sample.append(item) }
            if seenJobs.insert(owner).inserted { jobs.append(owner) }
        }
        return count == 0 ? nil : Conflict(jobs: jobs, items: sample, count: count)
    }

    /// Takes every item for `jobId` if none is held or awaited by another job; all or nothing.
    public mutating func acquire(_ jobId: String, items: [String]) -> Bool {
        if itemsOfHolder[jobId] != nil { return true }
        guard conflict(for: items, ignoring: jobId) == nil else { return false }
        grant(jobId, items: items)
        return true
    }

    /// Takes the items without checking (recovery of jobs that held them before a restart).
    public mutating func restore(_ jobId: String, items: [String]) {
        grant(jobId, items: items)
    }

    /// Queues `jobId` behind the current holders and earlier waiters.
    public mutating func wait(_ jobId: String, items: [String]) {
        guard !isWaiting(jobId), itemsOfHolder[jobId] == nil else { return }
        waiters.append(Waiter(jobId: jobId, items: Set(items)))
    }

    /// Frees a job's items (and its place in the wait queue) and returns the waiting jobs that now hold theirs,
    /// in FIFO order.
    public mutating func release(_ jobId: String) -> [String] {
        if let items = itemsOfHolder.removeValue(forKey: jobId) {
            for item in items where holderOfItem[item] == jobId { holderOfItem.removeValue(forKey: item) }
        }
        waiters.removeAll { $0.jobId == jobId }
        return admitWaiters()
    }

    private mutating func admitWaiters() -> [String] {
        var admitted: [String] = []
        var reservedByEarlier = Set<String>()
        var remaining: [Waiter] = []
        for waiter in waiters {
            let blocked = waiter.items.contains { holderOfItem[$0] != nil || reservedByEarlier.contains($0) }
            if blocked {
                reservedByEarlier.formUnion(waiter.items)
                remaining.append(waiter)
            } else {
                grant(waiter.jobId, items: Array(waiter.items))
                admitted.append(waiter.jobId)
            }
        }
        waiters = remaining
        return admitted
    }

    private mutating func grant(_ jobId: String, items: [String]) {
        for item in items { holderOfItem[item] = jobId }
        itemsOfHolder[jobId, default: []].append(contentsOf: items)
    }
}
