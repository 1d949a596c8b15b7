import Foundation
import Synchronization

/// What a scenario needs besides its own options: the server to talk to (started here unless `--url` was given),
/// the progress line, the overall deadline, and the place its figures, checks and notes are collected.
final class BenchContext: Sendable {
    private struct Results {
        var figures: [Figure] = []
        var checks: [Check] = []
        var notes: [String] = []
        var servers: [LocalServer] = []
        var serverVersion: String?
    }

    let progress: ProgressLine
    /// Monotonic seconds after which every loop stops, whatever its own bounds say.
    let deadline: Double
    let serverBinary: String
    let keepData: Bool
    private let remote: ServerTarget?
    private let results = Mutex(Results())

    init(progress: ProgressLine, maxSeconds: Double, serverBinary: String, keepData: Bool, remote: ServerTarget?) {
        self.progress = progress
        deadline = WallClock.seconds() + maxSeconds
        self.serverBinary = serverBinary
        self.keepData = keepData
        self.remote = remote
    }

    var isLocal: Bool { remote == nil }

    var secondsLeft: Double { deadline - WallClock.seconds() }

    /// The server to measure: a new local one with `benchRecords` bench records and room for `selectionLimit`
    /// items per job, or the `--url` server (which must already have such data).
    func server(benchRecords: Int, selectionLimit: Int, maxConcurrentJobs: Int? = nil,
                extra: [String] = []) async throws -> ServerTarget {
        if let remote {
            try await checkHealth(remote)
            return remote
        }
        // why: the harness is one client sending far more than a person would; the server's per-token limit would
        // measure itself
        var arguments = ["--bench-data", String(benchRecords), "--limits", "records=\(max(1_000, selectionLimit))",
                         "--rate-limit", "0"]
        if let maxConcurrentJobs { arguments += ["--max-concurrent-jobs", String(maxConcurrentJobs)] }
        let server = try LocalServer(binary: serverBinary, arguments: arguments + extra, keepData: keepData)
        results.withLock { $0.servers.append(server) }
        progress.update("starting bulkops with \(benchRecords) bench records")
        let life = try await server.start(timeout: max(10, min(120, secondsLeft)))
        let target = ServerTarget(host: "127.0.0.1", port: life.port, token: server.adminToken, local: server)
        try await checkHealth(target)
        return target
    }

    private func checkHealth(_ target: ServerTarget) async throws {
        let client = try await APIClient.connect(target)
        let health = try await client.json(HealthView.self, "GET", "/health")
        results.withLock { $0.serverVersion = health.version }
        let probe = try await client.send("GET", "/v1/kinds")
        // why: closed before the scenario starts, so it does not count against the server's connection limit
        await client.close()
        guard probe.status == 200 else {
            throw BenchError("the server refused the token (GET /v1/kinds answered \(probe.status))")
        }
    }

    var serverVersion: String? { results.withLock { $0.serverVersion } }

    func add(_ figure: Figure) {
        results.withLock { $0.figures.append(figure) }
    }

    func add(_ check: Check) {
        results.withLock { $0.checks.append(check) }
    }

    func note(_ text: String) {
        results.withLock { $0.notes.append(text) }
    }

    var figures: [Figure] { results.withLock { $0.figures } }
    var checks: [Check] { results.withLock { $0.checks } }
    var notes: [String] { results.withLock { $0.notes } }

    /// Stops every server this run started (SIGTERM, then SIGKILL) and removes their data.
    func stopServers() async {
        let servers = results.withLock { $0.servers }
        for server in servers {
            let status = await server.stop()
            if let status, status != 0 {
                note("bulkops exited with status \(status) at the end of the run; its data and log are kept in "
                     + (server.dataDirectory as NSString).deletingLastPathComponent)
            } else {
                server.removeData()
            }
        }
    }
}
