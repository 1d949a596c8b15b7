import Foundation

/// How often a failing chunk is retried and how long to wait in between; and how often a crashed runner is
/// restarted before its job is failed.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts per chunk, the first included.
    public var chunkAttempts: Int = 3
    /// Back-off before the first retry; doubles each time.
    public var initialBackoff: TimeInterval = 0.1
    /// Longest back-off.
    public var maxBackoff: TimeInterval = 5
    /// Runner restarts from the checkpoint before the job is `failed`.
    public var maxRunnerRestarts: Int = 3

    public init() {}

    /// The wait before retry number `attempt` (1 for the first retry).
    public func backoff(beforeRetry attempt: Int) -> TimeInterval {
        min(maxBackoff, initialBackoff * pow(2, Double(max(0, attempt - 1))))
    }
}
