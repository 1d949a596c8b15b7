import Orchestrator

/// The watch view: one progress line per job, redrawn in place with ANSI cursor moves on a terminal, or written
/// as a new line whenever a job's line changes when output goes to a pipe or file.
struct LiveDisplay {
    private let live: Bool
    private let quiet: Bool
    private var order: [String] = []
    private var lines: [String: String] = [:]
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

    private mutating func redraw() {
        var output = drawn > 1 ? "\u{1B}[\(drawn - 1)A" : ""
        output += order.compactMap { lines[$0] }.map { "\r\u{1B}[2K" + $0 }.joined(separator: "\n")
        drawn = order.count
        Terminal.write(output)
    }

    /// Leaves the cursor on a fresh line below the drawing.
    mutating func finish() {
        if live, drawn > 0 { Terminal.write("\n") }
        drawn = 0
    }
}
