import Orchestrator

/// What `watch` knows of each job it has shown: the newest seq and whether the job has ended, so that a reconnect
/// asks for exactly the events it missed (`since`) and drops any it already has.
struct WatchedJobs {
    private var seqs: [String: Int] = [:]
    private var ended: Set<String> = []

    func contains(_ id: String) -> Bool { seqs[id] != nil || ended.contains(id) }

    /// Takes a job from a snapshot, which is the server's current word on it even when its seq is not newer.
    mutating func noteSnapshot(_ job: JSONValue) {
        guard let id = job["id"]?.stringValue else { return }
        if let seq = job["seq"]?.intValue { seqs[id] = seq }
        if ProgressLine.isTerminal(job["state"]?.stringValue ?? "") { ended.insert(id) }
    }

    /// Takes the job of an event; false when the event is one already seen (at or below the newest seq), which a
    /// replay after a reconnect may overlap.
    mutating func accept(_ job: JSONValue) -> Bool {
        guard let id = job["id"]?.stringValue else { return false }
        if let seq = job["seq"]?.intValue {
            if let newest = seqs[id], seq <= newest { return false }
            seqs[id] = seq
        }
        if ProgressLine.isTerminal(job["state"]?.stringValue ?? "") { ended.insert(id) }
        return true
    }

    /// The `since` of a re-subscribe: the newest seq of every job seen that has not ended (an ended job makes no
    /// more events, so there is nothing of it to miss).
    var since: [String: Int] {
        seqs.filter { !ended.contains($0.key) }
    }
}
