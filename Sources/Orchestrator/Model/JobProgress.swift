/// Counts of a job's items, with the rate and ETA a dashboard shows.
public struct JobProgress: Codable, Sendable, Equatable {
    public var total: Int
    public var processed: Int
    public var succeeded: Int
    public var failed: Int
    public var skipped: Int
    public var percent: Double
    public var itemsPerSecond: Double
    public var etaSeconds: Double?

    public init(total: Int, processed: Int = 0, succeeded: Int = 0, failed: Int = 0, skipped: Int = 0,
                itemsPerSecond: Double = 0) {
        self.total = total
        self.processed = processed
        self.succeeded = succeeded
        self.failed = failed
        self.skipped = skipped
        self.percent = total == 0 ? 100 : (Double(processed) / Double(total) * 1000).rounded() / 10
        self.itemsPerSecond = itemsPerSecond
        let left = total - processed
        self.etaSeconds = left == 0 ? 0 : (itemsPerSecond > 0 ? (Double(left) / itemsPerSecond * 100).rounded() / 100 : nil)
        self.itemsPerSecond = (itemsPerSecond * 10).rounded() / 10
    }

    private enum CodingKeys: String, CodingKey {
        case total, processed, succeeded, failed, skipped, percent, itemsPerSecond, etaSeconds
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(total, forKey: .total)
        try container.encode(processed, forKey: .processed)
        try container.encode(succeeded, forKey: .succeeded)
        try container.encode(failed, forKey: .failed)
        try container.encode(skipped, forKey: .skipped)
        try container.encode(percent, forKey: .percent)
        try container.encode(itemsPerSecond, forKey: .itemsPerSecond)
        try container.encode(etaSeconds, forKey: .etaSeconds)
    }
}
