import Foundation

/// Everything one run measured, as written by `--json` and read by `--compare`.
struct BenchReport: Codable, Sendable {
    var tool = "bulkops-bench"
    var formatVersion = 1
    var scenario: String
    var startedAt: String
    var seconds: Double
    var environment: BenchEnvironment
    var options: [String: String]
    var figures: [Figure]
    var checks: [Check]
    var notes: [String]

    func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(self).write(to: URL(fileURLWithPath: path))
    }

    static func read(_ path: String) throws -> BenchReport {
        do {
            return try JSONDecoder().decode(BenchReport.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw BenchError("cannot read the report \(path): \(error)")
        }
    }

    /// The human table.
    var table: String {
        var lines: [String] = []
        let environment = self.environment
        lines.append("bulkops-bench \(scenario) — \(environment.cpuCount) cores, \(environment.kernel) "
                     + "\(environment.machine), commit \(environment.gitCommit ?? "?"), server \(environment.server), "
                     + "load at start \(environment.loadAverageAtStart), \(String(format: "%.1f", seconds)) s")
        let width = max(40, figures.map(\.name.count).max() ?? 0)
        lines.append(Self.pad("figure", width) + "      median  unit          min          max  spread    n")
        for figure in figures {
            let spread = figure.samples.count > 1 ? String(format: "%5.0f%%", figure.spreadPercent) : "     -"
            lines.append(Self.pad(figure.name, width) + " " + Self.number(figure.median, 11) + "  "
                         + Self.pad(figure.unit, 9) + " " + Self.number(figure.min, 12) + " "
                         + Self.number(figure.max, 12) + "  " + spread + " " + Self.pad(String(figure.samples.count), 4,
                                                                                       right: true))
        }
        for check in checks {
            let mark = check.passed ? "ok  " : (check.kind == .correctness ? "FAIL" : "MISS")
            lines.append("\(mark) \(check.kind == .target ? "target" : "check "): \(check.name) — \(check.detail)")
        }
        for note in notes { lines.append("note: \(note)") }
        return lines.joined(separator: "\n")
    }

    static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        guard text.count < width else { return text }
        let space = String(repeating: " ", count: width - text.count)
        return right ? space + text : text + space
    }

    static func number(_ value: Double, _ width: Int) -> String {
        let magnitude = Swift.abs(value)
        let text: String
        if magnitude >= 100_000 || value == value.rounded() && magnitude >= 100 {
            text = String(format: "%.0f", value)
        } else if magnitude >= 100 {
            text = String(format: "%.1f", value)
        } else if magnitude >= 1 {
            text = String(format: "%.2f", value)
        } else {
            text = String(format: "%.3f", value)
        }
        return pad(text, width, right: true)
    }
}
