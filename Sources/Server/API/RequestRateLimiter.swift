import Synchronization

/// A token bucket per caller: each key may make `burst` requests at once and `rate` per second after that.
/// Over the limit, `admit` says how long until the next request would be allowed, for `Retry-After`.
public final class RequestRateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updatedAt: ContinuousClock.Instant
    }

    /// Requests per second each key regains.
    public let rate: Double
    /// Requests a key may make at once after being idle.
    public let burst: Double
    private let now: @Sendable () -> ContinuousClock.Instant
    private let buckets = Mutex<[String: Bucket]>([:])

    /// - Parameter now: the clock, injected so that tests can move time without sleeping.
    public init(rate: Double, burst: Int, now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.rate = rate
        self.burst = Double(max(1, burst))
        self.now = now
    }

    /// Takes one request from `key`'s bucket: nil when allowed, otherwise the time until one would be.
    public func admit(_ key: String) -> Duration? {
        let instant = now()
        return buckets.withLock { buckets -> Duration? in
            var bucket = buckets[key] ?? Bucket(tokens: burst, updatedAt: instant)
            let elapsed = bucket.updatedAt.duration(to: instant)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.tokens = min(burst, bucket.tokens + max(0, seconds) * rate)
            bucket.updatedAt = instant
            defer { buckets[key] = bucket }
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                return nil
            }
            return .milliseconds(Int64(((1 - bucket.tokens) / rate * 1000).rounded(.up)))
        }
    }
}
