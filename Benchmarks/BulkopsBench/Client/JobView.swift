/// The parts of the API's job object the harness reads.
struct JobView: Decodable, Sendable {
    /// `progress` of the job object.
    struct Progress: Decodable, Sendable {
        var total: Int
        var processed: Int
        var succeeded: Int
        var failed: Int
        var skipped: Int
    }

    var id: String
    var state: String
    var seq: Int
    var progress: Progress
    var createdAt: String
    var startedAt: String?
    var finishedAt: String?

    static let terminalStates: Set<String> = ["succeeded", "completedWithErrors", "failed", "cancelled", "rejected"]

    var isTerminal: Bool { Self.terminalStates.contains(state) }

    /// Server-side run time (startedAt → finishedAt) in seconds, when both are known.
    var runSeconds: Double? {
        guard let start = startedAt.flatMap(WallClock.parseMicros), let end = finishedAt.flatMap(WallClock.parseMicros)
        else { return nil }
        return Double(end - start) / 1e6
    }
}
