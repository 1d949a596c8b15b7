import Foundation
import Glibc
import Orchestrator
import Transport

/// `bulkops jobs watch [ID]`: follows `/v1/stream` and draws each job's progress, redrawn in place on a terminal
/// and as plain lines into a pipe. With an ID it ends when that job finishes (exit 0 only if it succeeded); without
/// one it follows every job until Ctrl-C.
struct WatchCommand {
    let client: APIClient
    let jobId: String?
    let json: Bool

    func run() async throws -> Int32 {
        if let jobId {
            // why: a plain GET gives the clear 404 line before any stream is opened
            _ = try await client.send("GET", "/v1/jobs/" + JobsCommand.escape(jobId), notFound: "job \(jobId)")
        }
        let connection = try await client.openStream()
        var display = LiveDisplay(live: Terminal.isTTY && !json, quiet: json)
        let interrupt = SignalWaiter(signals: [SIGINT])
        let following = jobId
        Task {
            _ = await interrupt.wait()
            Terminal.write("\n")
            exit(following == nil ? 0 : 1)
        }
        for await message in connection.messages {
            guard case .text(let text) = message else { continue }
            if json { Terminal.line(text) }
            guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) else { continue }
            switch value["type"]?.stringValue {
            case "hello":
                let subscribe: JSONValue = ["op": "subscribe", "jobs": [.string(jobId ?? "*")]]
                try? connection.send(text: String(decoding: APIJSON.encode(subscribe), as: UTF8.self))
            case "snapshot":
                let jobs = value["jobs"]?.arrayValue ?? []
                if let jobId {
                    guard let job = jobs.first(where: { $0["id"]?.stringValue == jobId }) else {
                        await connection.close()
                        throw CommandLineError("job \(jobId) not found (404 not_found)", exitCode: 1)
                    }
                    display.update(job)
                    if let code = finished(job) { return await end(connection, &display, code) }
                } else {
                    for job in jobs where !ProgressLine.isTerminal(job["state"]?.stringValue ?? "") {
                        display.update(job)
                    }
                }
            case "job":
                guard let job = value["job"] else { continue }
                if let jobId, job["id"]?.stringValue != jobId { continue }
                display.update(job)
                if jobId != nil, value["event"]?.stringValue == "finished", let code = finished(job) {
                    return await end(connection, &display, code)
                }
            case "error":
                let problem = value["message"]?.stringValue ?? text
                FileHandle.standardError.write(Data("bulkops: stream: \(problem)\n".utf8))
            default:
                break
            }
        }
        display.finish()
        let info = await connection.closed()
        let reason = info.reason.isEmpty ? Self.describe(info.code) : info.reason
        throw CommandLineError("the server closed the stream (\(info.code.rawValue) \(reason))", exitCode: 1)
    }

    /// The exit status once `job` is in a terminal state: 0 for succeeded, 1 for any other end.
    private func finished(_ job: JSONValue) -> Int32? {
        guard let state = job["state"]?.stringValue, ProgressLine.isTerminal(state) else { return nil }
        return state == JobState.succeeded.rawValue ? 0 : 1
    }

    private func end(_ connection: WebSocketConnection, _ display: inout LiveDisplay, _ code: Int32) async -> Int32 {
        display.finish()
        await connection.close(code: .normal)
        return code
    }

    private static func describe(_ code: WebSocketCloseCode) -> String {
        switch code {
        case .goingAway: "going away: the server is shutting down"
        case .policyViolation: "policy violation: this client fell too far behind"
        case .abnormalClosure: "connection lost"
        default: "closed"
        }
    }
}
