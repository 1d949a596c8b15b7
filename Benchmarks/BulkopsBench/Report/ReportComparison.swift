import Foundation

/// `--compare A.json B.json`: the ratio B/A of every figure both reports have, marked better or worse where the
/// figure says which way is better.
enum ReportComparison {
    static func text(_ a: BenchReport, _ b: BenchReport, pathA: String, pathB: String) -> String {
        var lines: [String] = []
        lines.append("A: \(pathA) — \(a.scenario), commit \(a.environment.gitCommit ?? "?"), \(a.startedAt)")
        lines.append("B: \(pathB) — \(b.scenario), commit \(b.environment.gitCommit ?? "?"), \(b.startedAt)")
        let width = max(40, (a.figures + b.figures).map(\.name.count).max() ?? 0)
        lines.append(BenchReport.pad("figure", width) + "  unit              A            B    B/A")
        let byKey = Dictionary(b.figures.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        for figure in a.figures {
            guard let other = byKey[figure.key] else {
                lines.append(BenchReport.pad(figure.name, width) + "  (only in A)")
                continue
            }
            let ratio = figure.median == 0 ? Double.nan : other.median / figure.median
            var verdict = ""
            if ratio.isFinite, Swift.abs(ratio - 1) >= 0.05 {
                switch figure.better {
                case .higher: verdict = ratio > 1 ? "  better" : "  worse"
                case .lower: verdict = ratio < 1 ? "  better" : "  worse"
                case .none: verdict = ""
                }
            }
            lines.append(BenchReport.pad(figure.name, width) + "  " + BenchReport.pad(figure.unit, 9) + " "
                         + BenchReport.number(figure.median, 12) + " " + BenchReport.number(other.median, 12) + " "
                         + (ratio.isFinite ? String(format: "%6.2f×", ratio) : "     -") + verdict)
        }
        let keysA = Set(a.figures.map(\.key))
        for figure in b.figures where !keysA.contains(figure.key) {
            lines.append(BenchReport.pad(figure.name, width) + "  (only in B)")
        }
        return lines.joined(separator: "\n")
    }
}
