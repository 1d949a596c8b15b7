/// One measured quantity: its samples (one per repetition, or one for a single measurement) with median and
/// spread. `key` is stable across runs so that `--compare` can pair figures of two reports.
struct Figure: Codable, Sendable {
    /// Which way is better, so a comparison can say whether a ratio is a gain.
    enum Direction: String, Codable, Sendable {
        case higher, lower, none
    }

    var key: String
    var name: String
    var unit: String
    var better: Direction
    var samples: [Double]
    var median: Double
    var min: Double
    var max: Double

    init(_ key: String, _ name: String, unit: String, better: Direction = .none, samples: [Double]) {
        self.key = key
        self.name = name
        self.unit = unit
        self.better = better
        self.samples = samples
        let sorted = samples.sorted()
        if sorted.isEmpty {
            median = 0
        } else if sorted.count % 2 == 1 {
            median = sorted[sorted.count / 2]
        } else {
            median = (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        }
        min = sorted.first ?? 0
        max = sorted.last ?? 0
    }

    init(_ key: String, _ name: String, unit: String, better: Direction = .none, value: Double) {
        self.init(key, name, unit: unit, better: better, samples: [value])
    }

    /// (max − min) / median in percent; 0 for a single sample.
    var spreadPercent: Double {
        guard samples.count > 1, median != 0 else { return 0 }
        return (max - min) / Swift.abs(median) * 100
    }
}
