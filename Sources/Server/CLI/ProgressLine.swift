import Foundation
import Orchestrator

/// One job's progress as a line: `job_x  running  [#######-----]  600/1200  50.0%  8421 items/s  ETA 7s`.
enum ProgressLine {
    static let barWidth = 24

    static func render(_ job: JSONValue) -> String {
        let id = job["id"]?.stringValue ?? "?"
        let state = job["state"]?.stringValue ?? "?"
        return id + "  " + pad(state, 19) + "  " + summary(job)
    }

    /// The bar, counts, percent, rate and ETA (no ETA once the job has finished).
    static func summary(_ job: JSONValue) -> String {
        let state = job["state"]?.stringValue ?? "?"
        let progress = job["progress"]
        let total = progress?["total"]?.intValue ?? 0
        let processed = progress?["processed"]?.intValue ?? 0
        let percent = progress?["percent"]?.doubleValue ?? (total == 0 ? 100 : Double(processed) * 100 / Double(total))
        var rate = progress?["itemsPerSecond"]?.doubleValue ?? 0
        // why: the server reports no rate once a job has stopped; the average over its run says more
        if isTerminal(state), let started = job["startedAt"]?.stringValue.flatMap(Timestamp.parse),
           let ended = job["finishedAt"]?.stringValue.flatMap(Timestamp.parse), ended > started {
            rate = Double(processed) / ended.timeIntervalSince(started)
        }
        var parts = [bar(fraction: total == 0 ? 1 : Double(processed) / Double(total)),
                     "\(processed)/\(total)", String(format: "%5.1f%%", percent), self.rate(rate)]
        if !isTerminal(state) { parts.append("ETA " + eta(progress?["etaSeconds"]?.doubleValue)) }
        if let failed = progress?["failed"]?.intValue, failed > 0 { parts.append("\(failed) failed") }
        return parts.joined(separator: "  ")
    }

    static func isTerminal(_ state: String) -> Bool {
        JobState(rawValue: state)?.isTerminal ?? false
    }

    static func bar(fraction: Double) -> String {
        let filled = Int((min(1, max(0, fraction)) * Double(barWidth)).rounded(.down))
        return "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: barWidth - filled) + "]"
    }

    static func rate(_ value: Double) -> String {
        value >= 100 ? "\(Int(value.rounded())) items/s" : String(format: "%.1f items/s", value)
    }

    static func eta(_ seconds: Double?) -> String {
        guard let seconds, seconds.isFinite, seconds >= 0 else { return "--" }
        let whole = Int(seconds.rounded(.up))
        if whole < 60 { return "\(whole)s" }
        if whole < 3_600 { return "\(whole / 60)m\(String(format: "%02d", whole % 60))s" }
        return "\(whole / 3_600)h\(String(format: "%02d", whole % 3_600 / 60))m"
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
