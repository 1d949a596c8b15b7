import Glibc

/// CPU use of a process between two samples, in percent of one core.
struct CPUWindow: Sendable {
    let pid: pid_t?
    let start: ProcessStats?
    let startedAt: Double

    init(pid: pid_t?) {
        self.pid = pid
        start = ProcessStats.sample(pid: pid)
        startedAt = WallClock.seconds()
    }

    /// Percent of one core used since `init`, and the latest sample.
    func finish() -> (percent: Double, stats: ProcessStats)? {
        guard let start, let end = ProcessStats.sample(pid: pid) else { return nil }
        let elapsed = WallClock.seconds() - startedAt
        guard elapsed > 0 else { return nil }
        return ((end.cpuSeconds - start.cpuSeconds) / elapsed * 100, end)
    }
}
