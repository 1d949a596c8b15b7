/// When `bulkops jobs watch` tries again after losing the stream: the first try after `initialDelay`, each later
/// wait twice the one before up to `maxDelay`, and no try once `giveUpAfter` has passed since the stream was lost.
/// Only arithmetic over the instants the caller passes in, so the schedule is tested without sleeping.
struct ReconnectBackoff: Sendable {
    /// The waits and the give-up time.
    struct Policy: Sendable {
        /// Wait before the first try. Default 0.25 s.
        var initialDelay: Duration = .milliseconds(250)
        /// Longest wait between two tries. Default 5 s.
        var maxDelay: Duration = .seconds(5)
        /// Time without a connection after which `watch` stops trying (`--give-up-after`). Default 60 s.
        var giveUpAfter: Duration = .seconds(60)
        /// Longest a single try may take to connect or be answered; a try never runs far past the give-up time,
        /// but always gets at least `minimumAttemptTimeout`. Default 10 s.
        var maximumAttemptTimeout: Duration = .seconds(10)
        /// Shortest time a try gets, even just before the give-up time. Default 1 s.
        var minimumAttemptTimeout: Duration = .seconds(1)
    }

    let policy: Policy
    /// When the stream was lost.
    let lostAt: ContinuousClock.Instant
    /// Tries scheduled so far.
    private(set) var attempts = 0
    private var delay: Duration

    init(policy: Policy, lostAt: ContinuousClock.Instant) {
        self.policy = policy
        self.lostAt = lostAt
        delay = policy.initialDelay
    }

    var deadline: ContinuousClock.Instant { lostAt + policy.giveUpAfter }

    /// The wait before the next try, cut short so that the last try falls on the give-up time; nil once that time
    /// has passed.
    mutating func nextWait(now: ContinuousClock.Instant) -> Duration? {
        let remaining = deadline - now
        guard remaining > .zero else { return nil }
        let wait = min(delay, remaining)
        delay = min(delay * 2, policy.maxDelay)
        attempts += 1
        return wait
    }

    /// How long a try starting at `now` may take.
    func attemptTimeout(now: ContinuousClock.Instant) -> Duration {
        min(policy.maximumAttemptTimeout, max(policy.minimumAttemptTimeout, deadline - now))
    }
}
