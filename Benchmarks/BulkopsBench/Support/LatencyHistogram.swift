/// Latencies in microseconds, exact below 1 ms and within 1/64 (1.6 %) above, in a fixed ~2,800 buckets, so that
/// millions of samples cost no more memory than a few and histograms of many connections merge by addition.
struct LatencyHistogram: Sendable {
    private static let exactLimit = 1_024
    private static let subBuckets = 64
    private static let octaves = 32

    private var counts = [Int](repeating: 0, count: exactLimit + octaves * subBuckets)
    private(set) var count = 0
    private(set) var maximum: Int64 = 0
    private var sum: Double = 0

    mutating func record(_ micros: Int64) {
        let value = max(0, micros)
        counts[Self.bucket(value)] += 1
        count += 1
        sum += Double(value)
        if value > maximum { maximum = value }
    }

    mutating func merge(_ other: LatencyHistogram) {
        for index in counts.indices where other.counts[index] != 0 { counts[index] += other.counts[index] }
        count += other.count
        sum += other.sum
        maximum = max(maximum, other.maximum)
    }

    var meanMicros: Double { count == 0 ? 0 : sum / Double(count) }

    /// The smallest recorded value's bucket top at or above the fraction `quantile` of the samples (0.99 = p99).
    func percentile(_ quantile: Double) -> Int64 {
        guard count > 0 else { return 0 }
        let rank = max(1, Int((quantile * Double(count)).rounded(.up)))
        var seen = 0
        for (index, bucketCount) in counts.enumerated() where bucketCount > 0 {
            seen += bucketCount
            if seen >= rank { return min(maximum, Self.upperBound(index)) }
        }
        return maximum
    }

    private static func bucket(_ value: Int64) -> Int {
        if value < Int64(exactLimit) { return Int(value) }
        let octave = 63 - value.leadingZeroBitCount   // ≥ 10
        let shift = octave - 6
        let sub = Int((value >> Int64(shift)) & Int64(subBuckets - 1))
        let index = exactLimit + (octave - 10) * subBuckets + sub
        return min(index, exactLimit + octaves * subBuckets - 1)
    }

    private static func upperBound(_ index: Int) -> Int64 {
        if index < exactLimit { return Int64(index) }
        let octave = (index - exactLimit) / subBuckets + 10
        let sub = Int64((index - exactLimit) % subBuckets)
        let shift = Int64(octave - 6)
        return ((Int64(subBuckets) + sub + 1) << shift) - 1
    }
}
