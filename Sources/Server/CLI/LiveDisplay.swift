import Foundation
import Orchestrator

/// The watch view: one progress line per job, redrawn in place with ANSI cursor moves on a terminal, or written
/// as a new line whenever a job's line changes when output goes to a pipe or file. Below the jobs, a terminal shows
/// the connection's trouble (`reconnecting…`) on a status line of its own while it lasts.
struct LiveDisplay {
    private let live: Bool
    private let quiet: Bool
    private var order: [String] = []
    private var lines: [String: String] = [:]
    private var status: String?
    private var drawn = 0

    /// - Parameters:
    ///   - live: redraw in place (a terminal).
    ///   - quiet: draw nothing (`--json` prints the raw messages instead).
    init(live: Bool, quiet: Bool) {
        self.live = live
        self.quiet = quiet
    }

    mutating func update(_ job: JSONValue) {
        guard let id = job["id"]?.stringValue else { return }
        let line = ProgressLine.render(job)
        if lines[id] == nil { order.append(id) }
        guard lines[id] != line else { return }
        lines[id] = line
        guard !quiet else { return }
        if live { redraw() } else { Terminal.line(line) }
    }

    /// Sets (or with nil removes) the status line of a terminal; a pipe gets `note`s instead, since a line per
    /// retry would bury the progress.
    mutating func setStatus(_ text: String?) {
        guard live, status != text else { return }
        status = text
        redraw()
    }

    /// A change of the connection worth a line of its own in a pipe (`reconnecting…`, `reconnected`); with
    /// `--json` it goes to standard error, so that standard output stays one JSON message per line. A terminal
    /// shows the status line instead.
    func note(_ text: String) {
        guard !live else { return }
        if quiet {
            FileHandle.standardError.write(Data("bulkops: \(text)\n".utf8))
        } else {
            Terminal.line(text)
        }
    }

    private mutating func redraw() {
        var rows = order.compactMap { lines[$0] }
        if let status { rows.append(status) }
        // why: a drawing may shrink (the status line goes away); the rows it leaves behind must be blanked
        let slots = max(drawn, rows.count)
        var output = drawn > 1 ? "\u{1B}[\(drawn - 1)A" : ""
        output += (0..<slots).map { "\r\u{1B}[2K" + ($0 < rows.count ? rows[$0] : "") }.joined(separator: "\n")
        let below = slots - max(rows.count, 1)
        if below > 0 { output += "\u{1B}[\(below)A" }
        drawn = rows.count
        Terminal.write(output)
    }

    /// Leaves the cursor on a fresh line below the drawing.
    mutating func finish() {
        if live, drawn > 0 { Terminal.write("\n") }
        drawn = 0
    }
}
