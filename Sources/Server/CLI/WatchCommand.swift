import Foundation
import Glibc
import Orchestrator
import Transport

/// `bulkops jobs watch [ID]`: follows `/v1/stream` and draws each job's progress, redrawn in place on a terminal
/// and as plain lines into a pipe. With an ID it ends when that job finishes (exit 0 only if it succeeded); without
/// one it follows every job until Ctrl-C.
///
/// When the stream is lost (the server shuts down with 1001, the connection drops) it reconnects with back-off and
/// re-subscribes with `since` set to the newest seq of every unfinished job it has seen, so that the server replays
/// what was missed (or sends a fresh snapshot when its history no longer reaches back). It stops with one line and
/// exit status 1 when the server refuses the token (401, 403), when the watched job is gone (404), or when no
/// connection succeeds within the policy's give-up time.
struct WatchCommand {
    let client: APIClient
    let jobId: String?
    let json: Bool
    var policy = ReconnectBackoff.Policy()

    /// How one stream connection ended.
    private enum Ending {
        /// The watched job reached a terminal state: the exit status.
        case finished(Int32)
        /// The stream went away; the reason, for the user.
        case lost(String)
    }

    /// A stretch of time without a subscribed stream, from the loss until the next snapshot.
    private struct Outage {
        var backoff: ReconnectBackoff
        /// Why the last connection or try failed, for the status line and the give-up message.
        var reason: String
    }

    /// What is drawn and what is known of the jobs, across connections.
    private struct Progress {
        var display: LiveDisplay
        var jobs = WatchedJobs()
    }

    func run() async throws -> Int32 {
        if let jobId {
            // why: a plain GET gives the clear 404 line before any stream is opened
            _ = try await client.send("GET", "/v1/jobs/" + JobsCommand.escape(jobId), notFound: "job \(jobId)")
        }
        // why: a first connection that fails is most likely a wrong --url or token, so it fails at once
        var connection = try await client.openStream()
        var progress = Progress(display: LiveDisplay(live: Terminal.isTTY && !json, quiet: json))
        let interrupt = SignalWaiter(signals: [SIGINT])
        let following = jobId
        Task {
            _ = await interrupt.wait()
            Terminal.write("\n")
            exit(following == nil ? 0 : 1)
        }
        var outage: Outage?
        while true {
            switch try await follow(connection, &progress, &outage) {
            case .finished(let code):
                return code
            case .lost(let reason):
                guard policy.giveUpAfter > .zero else {
                    progress.display.finish()
                    throw CommandLineError(reason, exitCode: 1)
                }
                // why: a stream lost again before its snapshot is the same outage, still on the same give-up clock
                var current = outage ?? Outage(backoff: ReconnectBackoff(policy: policy, lostAt: .now), reason: reason)
                if outage == nil { progress.display.note("reconnecting… " + reason) }
                current.reason = reason
                connection = try await reconnect(&current, &progress.display)
                outage = current
            }
        }
    }

    /// Reads one connection until the watched job finishes or the stream goes away; the snapshot that answers the
    /// subscribe ends an outage.
    private func follow(_ connection: WebSocketConnection, _ progress: inout Progress, _ outage: inout Outage?)
        async throws -> Ending {
        var resumed: Set<String> = []
        for await message in connection.messages {
            guard case .text(let text) = message else { continue }
            if json { Terminal.line(text) }
            guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) else { continue }
            switch value["type"]?.stringValue {
            case "hello":
                let since = progress.jobs.since
                resumed = Set(since.keys)
                var subscribe: [String: JSONValue] = ["op": "subscribe", "jobs": [.string(jobId ?? "*")]]
                if !since.isEmpty { subscribe["since"] = .object(since.mapValues { .number(Double($0)) }) }
                try? connection.send(text: String(decoding: APIJSON.encode(JSONValue.object(subscribe)),
                                                  as: UTF8.self))
            case "snapshot":
                if let ended = outage {
                    outage = nil
                    progress.display.setStatus(nil)
                    progress.display.note("reconnected after " + Self.seconds(.now - ended.backoff.lostAt))
                }
                let jobs = value["jobs"]?.arrayValue ?? []
                if let jobId {
                    guard let job = jobs.first(where: { $0["id"]?.stringValue == jobId }) else {
                        // why: a job asked for with `since` is left out of the snapshot when its missed events are
                        // replayed instead, right after it
                        if resumed.contains(jobId) { continue }
                        progress.display.finish()
                        await connection.close()
                        throw CommandLineError("job \(jobId) not found (404 not_found)", exitCode: 1, status: 404)
                    }
                    progress.jobs.noteSnapshot(job)
                    progress.display.update(job)
                    if let code = finished(job) { return await end(connection, &progress.display, code) }
                } else {
                    // why: a job shown earlier stays current even when it ended while the stream was away
                    for job in jobs where !ProgressLine.isTerminal(job["state"]?.stringValue ?? "")
                        || progress.jobs.contains(job["id"]?.stringValue ?? "") {
                        progress.jobs.noteSnapshot(job)
                        progress.display.update(job)
                    }
                }
            case "job":
                guard let job = value["job"] else { continue }
                if let jobId, job["id"]?.stringValue != jobId { continue }
                guard progress.jobs.accept(job) else { continue }
                progress.display.update(job)
                if jobId != nil, value["event"]?.stringValue == "finished", let code = finished(job) {
                    return await end(connection, &progress.display, code)
                }
            case "error":
                let problem = value["message"]?.stringValue ?? text
                FileHandle.standardError.write(Data("bulkops: stream: \(problem)\n".utf8))
            default:
                break
            }
        }
        return .lost(describe(await connection.closed()))
    }

    /// Tries with back-off until a stream is open again; throws the one line that ends the watch when the server
    /// refuses for good (401, 403, 404) or the give-up time passes.
    private func reconnect(_ outage: inout Outage, _ display: inout LiveDisplay) async throws
        -> WebSocketConnection {
        while true {
            guard let wait = outage.backoff.nextWait(now: .now) else {
                display.setStatus(nil)
                display.finish()
                throw CommandLineError("gave up after \(Self.seconds(policy.giveUpAfter)) without a connection: "
                                       + outage.reason, exitCode: 1)
            }
            display.setStatus("reconnecting… \(outage.reason); attempt \(outage.backoff.attempts) in "
                              + Self.seconds(wait))
            try? await Task.sleep(for: wait)
            let timeout = outage.backoff.attemptTimeout(now: .now)
            do {
                if let jobId {
                    // why: the stream cannot tell a job that is gone from one whose events are being replayed
                    _ = try await client.send("GET", "/v1/jobs/" + JobsCommand.escape(jobId),
                                              notFound: "job \(jobId)", timeout: timeout)
                }
                return try await client.openStream(timeout: timeout)
            } catch let error as CommandLineError {
                if let status = error.status, Self.isFinal(status) {
                    display.setStatus(nil)
                    display.finish()
                    let problem = status == 401 ? "the server no longer accepts the token (401 unauthorized)"
                        : error.description
                    throw CommandLineError("stopped reconnecting: " + problem, exitCode: 1, status: status)
                }
                outage.reason = error.description
            } catch {
                outage.reason = "\(error)"
            }
        }
    }

    /// Whether an answer means that trying again cannot help: a client error other than a timeout or a rate limit.
    private static func isFinal(_ status: Int) -> Bool {
        (400..<500).contains(status) && status != 408 && status != 429
    }

    /// The exit status once `job` is in a terminal state: 0 for succeeded, 1 for any other end.
    private func finished(_ job: JSONValue) -> Int32? {
        guard let state = job["state"]?.stringValue, ProgressLine.isTerminal(state) else { return nil }
        return state == JobState.succeeded.rawValue ? 0 : 1
    }

    private func end(_ connection: WebSocketConnection, _ display: inout LiveDisplay, _ code: Int32) async -> Ending {
        display.finish()
        await connection.close(code: .normal)
        return .finished(code)
    }

    private func describe(_ info: WebSocketCloseInfo) -> String {
        switch info.code {
        case .abnormalClosure:
            return "the connection to \(client.endpoint) was lost"
        default:
            let reason = info.reason.isEmpty ? Self.describe(info.code) : info.reason
            let who = info.initiatedLocally ? "the stream was closed" : "the server closed the stream"
            return "\(who) (\(info.code.rawValue) \(reason))"
        }
    }

    private static func describe(_ code: WebSocketCloseCode) -> String {
        switch code {
        case .goingAway: "going away: the server is shutting down"
        case .policyViolation: "policy violation: this client fell too far behind"
        default: "closed"
        }
    }

    /// `0.25 s`, `2 s`, `60 s`.
    private static func seconds(_ duration: Duration) -> String {
        let value = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return (value < 10 ? String(format: "%.2g", value) : String(Int(value.rounded()))) + " s"
    }
}
