import Glibc
import Transport

/// The event loops that read the dashboards' messages. On a machine shared with the server, running them at the
/// lowest scheduling priority (`SCHED_IDLE`) keeps the harness's own receive work from taking the cores while the
/// server is still writing an event to the other dashboards: a remote dashboard would not compete for them. With
/// kernel receive timestamps, a reader that gets to a message late does not change its measured latency. For the
/// same reason the loops may pause between polls (`pollingPause`), taking the messages of many dashboards in one
/// batch instead of being woken for each.
enum ReaderLoops {
    enum Priority: String, Sendable {
        case idle, normal
    }

    /// A group of `count` loops whose threads run at `priority`; the note says what could not be done.
    static func make(count: Int, priority: Priority,
                     pollingPause: Duration?) async throws -> (EventLoopGroup, note: String?) {
        let group = try EventLoopGroup(loopCount: count, pollingPause: pollingPause)
        guard priority == .idle else { return (group, nil) }
        var failures = 0
        for loop in group.eventLoops {
            let applied = await withCheckedContinuation { continuation in
                loop.execute {
                    var parameters = sched_param(sched_priority: 0)
                    // why: pid 0 is the calling thread on Linux, which is the loop's own thread here
                    continuation.resume(returning: sched_setscheduler(0, 5 /* SCHED_IDLE */, &parameters) == 0)
                }
            }
            if !applied { failures += 1 }
        }
        return (group, failures == 0 ? nil : "\(failures) reader loop(s) could not be set to SCHED_IDLE: errno \(errno)")
    }
}
