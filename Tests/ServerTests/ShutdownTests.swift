import Foundation
import Orchestrator
import Testing
import Transport

/// SIGTERM: during the drain changes answer 503 and reads go on; streams close with 1001 (for our client and a
/// third-party one); the process exits 0; the next start resumes the running job to completion.
@Suite(.serialized) struct ShutdownTests {
    @Test func sigtermDrainsClosesStreamsWith1001AndTheNextStartResumes() async throws {
        try await PythonStreamClient.checkAvailable()
        let data = ServerProcess.temporaryDirectory()
        let arguments = ["--demo", "--drain-seconds", "1.5"]
        let server = try await ServerProcess.start(dataDirectory: data, arguments: arguments)
        defer { Task { await server.stop() } }
        // 900 items at 150/s: six seconds, so that SIGTERM and the drain land well inside the job
        let ids = try await server.recordIds(status: "draft", limit: 900)
        let job = try await server.createJob(ids: ids, chunkSize: 10, rate: 150)
        let stream = try await StreamRecorder.connect(port: server.port, token: server.adminToken)
        try await stream.wait("hello") { !$0.isEmpty }
        try stream.subscribe([job])
        async let python = PythonStreamClient.run(port: server.port, token: server.adminToken, job: job,
                                                  untilFinished: false, timeout: 60)
        try await stream.wait("progress") { $0.contains { $0.event == "progress" } }
        try await Task.sleep(nanoseconds: 300_000_000)

        kill(server.process.processIdentifier, SIGTERM)
        let refused = try await Self.firstShuttingDownAnswer(server, job: job)
        expectError(refused, 503, "shutting_down")
        #expect(refused.response.headers["Retry-After"] != nil)
        let health = try await server.bare("GET", "/health")
        #expect(health.status == 200 && health.json["status"]?.stringValue == "shutting_down")
        #expect(try await server.call("GET", "/v1/jobs/\(job)").status == 200, "reads go on during the drain")

        let info = await stream.closeInfo(within: 30)
        #expect(info?.code == .goingAway, "our client: \(String(describing: info))")
        let pythonMessages = try await python
        #expect(pythonMessages.last?["type"]?.stringValue == "_closed")
        #expect(pythonMessages.last?["code"]?.intValue == 1001, "python: \(pythonMessages.last ?? .null)")
        #expect(await server.waitForExit() == 0)

        let restarted = try await ServerProcess.start(dataDirectory: data, arguments: arguments)
        defer { Task { await restarted.stop() } }
        let before = try await restarted.job(job)
        #expect(before["state"]?.stringValue == "running", "\(before)")
        let resumedFrom = before["progress"]?["processed"]?.intValue ?? -1
        #expect(resumedFrom > 0 && resumedFrom < 900, "resumed from its checkpoint, not from zero: \(resumedFrom)")
        let done = try await restarted.waitForJob(job, timeout: 60)
        #expect(done["state"]?.stringValue == "succeeded")
        #expect(done["progress"]?["processed"]?.intValue == 900)
        #expect(done["progress"]?["succeeded"]?.intValue == 900)
        #expect(done["progress"]?["skipped"]?.intValue == 0, "no chunk was applied twice")
    }

    /// Tries a change every 20 ms (at most 5 s) until the server refuses it as shutting down.
    static func firstShuttingDownAnswer(_ server: ServerProcess, job: String) async throws -> APIReply {
        let deadline = Date().addingTimeInterval(5)
        var last: APIReply?
        while Date() < deadline {
            // why: an empty create body is refused with 400 while serving, so the probe itself changes nothing
            let reply = try await server.call("POST", "/v1/jobs", body: "{}")
            if reply.status == 503 { return reply }
            last = reply
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        throw TestFailure("no 503 within 5 s of SIGTERM; last \(last?.status ?? 0): \(last?.text ?? "")")
    }
}
