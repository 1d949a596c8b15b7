import Foundation
import Orchestrator
import Testing

/// The `bulkops jobs` and `bulkops tokens` commands of the real binary against a live server: output, `--json`,
/// exit status, and the one-line errors.
@Suite struct CLITests {
    @Test func tokensCreateListRevoke() async throws {
        let server = try await ServerProcess.start()
        defer { Task { await server.stop() } }
        let created = try await ChildProcess.bulkops(["tokens", "create", "--role", "staff", "--name", "Front desk"],
                                                     server: server)
        #expect(created.status == 0, "\(created)")
        #expect(created.stdout.contains("Front desk") && created.stdout.contains("staff"))
        let secret = try #require(created.stdout.split(separator: "\n").first { $0.hasPrefix("token: ") }?
            .dropFirst("token: ".count)).trimmingCharacters(in: .whitespaces)
        #expect(secret.hasPrefix("bo_"))
        let listed = try await ChildProcess.bulkops(["tokens", "list"], server: server)
        #expect(listed.status == 0)
        #expect(listed.stdout.hasPrefix("ID"))
        #expect(listed.stdout.contains("Front desk") && listed.stdout.contains("admin"))
        #expect(!listed.stdout.contains(secret), "a list never shows secrets")
        let json = try await ChildProcess.bulkops(["tokens", "list", "--json"], server: server)
        let page = try JSONDecoder().decode(JSONValue.self, from: Data(json.stdout.utf8))
        let staff = try #require(page["items"]?.arrayValue?.first { $0["name"]?.stringValue == "Front desk" })
        let id = try #require(staff["id"]?.stringValue)

        // staff may not manage tokens: one line, non-zero
        let forbidden = try await ChildProcess.bulkops(["tokens", "create", "--role", "admin", "--name", "x"],
                                                       server: server, token: secret)
        #expect(forbidden.status == 1)
        #expect(forbidden.stderr == "bulkops: managing tokens needs the admin role (403 forbidden)\n")
        #expect(forbidden.stdout.isEmpty)

        let revoked = try await ChildProcess.bulkops(["tokens", "revoke", id], server: server)
        #expect(revoked.status == 0 && revoked.stdout == "revoked \(id)\n", "\(revoked)")
        let again = try await ChildProcess.bulkops(["tokens", "revoke", id], server: server)
        #expect(again.status == 1)
        #expect(again.stderr == "bulkops: token \(id) not found (404 not_found)\n")
        let unauthorized = try await ChildProcess.bulkops(["jobs", "list"], server: server, token: secret)
        #expect(unauthorized.status == 1)
        #expect(unauthorized.stderr == "bulkops: a valid bearer token is required (401 unauthorized)\n")
        let badRole = try await ChildProcess.bulkops(["tokens", "create", "--role", "owner", "--name", "x"],
                                                     server: server)
        #expect(badRole.status == 1 && badRole.stderr.hasSuffix("(400 bad_request)\n"), "\(badRole)")
    }

    @Test func jobsListShowPauseResumeCancel() async throws {
        let server = try await ServerProcess.start(arguments: ["--demo"])
        defer { Task { await server.stop() } }
        let empty = try await ChildProcess.bulkops(["jobs", "list"], server: server)
        #expect(empty.status == 0 && empty.stdout == "no jobs\n", "\(empty)")
        let ids = try await server.recordIds(status: "draft", limit: 300)
        let job = try await server.createJob(ids: ids, chunkSize: 5, rate: 20)
        let list = try await ChildProcess.bulkops(["jobs", "list"], server: server)
        #expect(list.status == 0)
        let lines = list.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("ID") == true && lines.first?.contains("STATE") == true)
        #expect(lines.contains { $0.hasPrefix(job) && $0.contains("records.setStatus") && $0.contains("/300") })
        let running = try await ChildProcess.bulkops(["jobs", "list", "--state", "running,queued", "--json"],
                                                     server: server)
        let page = try JSONDecoder().decode(JSONValue.self, from: Data(running.stdout.utf8))
        #expect(page["items"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [job])
        let finished = try await ChildProcess.bulkops(["jobs", "list", "--state", "succeeded", "--kind",
                                                       "records.setStatus"], server: server)
        #expect(finished.stdout == "no jobs\n", "\(finished)")
        let badState = try await ChildProcess.bulkops(["jobs", "list", "--state", "bogus"], server: server)
        #expect(badState.status == 1 && badState.stderr == "bulkops: unknown state \"bogus\" (400 bad_request)\n")

        let show = try await ChildProcess.bulkops(["jobs", "show", job], server: server)
        #expect(show.status == 0)
        #expect(show.stdout.hasPrefix("\(job)  records.setStatus  "))
        #expect(show.stdout.contains("params       {\"to\":\"archived\"}"))
        #expect(show.stdout.contains("/300"))
        let showJSON = try await ChildProcess.bulkops(["jobs", "show", job, "--json"], server: server)
        #expect(try JSONDecoder().decode(JSONValue.self, from: Data(showJSON.stdout.utf8))["id"]?.stringValue == job)

        let pause = try await ChildProcess.bulkops(["jobs", "pause", job], server: server)
        #expect(pause.status == 0 && pause.stdout == "\(job): pausing\n", "\(pause)")
        try await server.waitForJob(job, "paused") { $0["state"]?.stringValue == "paused" }
        let pauseAgain = try await ChildProcess.bulkops(["jobs", "pause", job], server: server)
        #expect(pauseAgain.status == 1)
        #expect(pauseAgain.stderr == "bulkops: cannot pause a job that is paused (409 invalid_transition)\n",
                "\(pauseAgain)")
        let resume = try await ChildProcess.bulkops(["jobs", "resume", job], server: server)
        #expect(resume.status == 0, "\(resume)")
        #expect(resume.stdout == "\(job): queued\n" || resume.stdout == "\(job): running\n", "\(resume)")
        let cancel = try await ChildProcess.bulkops(["jobs", "cancel", job, "--json"], server: server)
        #expect(cancel.status == 0)
        let cancelled = try JSONDecoder().decode(JSONValue.self, from: Data(cancel.stdout.utf8))
        #expect(cancelled["id"]?.stringValue == job)
        try await server.waitForJob(job)
        #expect((try await server.job(job))["state"]?.stringValue == "cancelled")
    }

    @Test func errorsAreOneLineAndNonZero() async throws {
        let server = try await ServerProcess.start()
        defer { Task { await server.stop() } }
        let missing = try await ChildProcess.bulkops(["jobs", "show", "job_x"], server: server)
        #expect(missing.status == 1)
        #expect(missing.stderr == "bulkops: job job_x not found (404 not_found)\n")
        let refused = try await ChildProcess.run(ServerProcess.binary, ["jobs", "list", "--url", "http://127.0.0.1:9",
                                                                        "--token", "x"])
        #expect(refused.status == 1)
        #expect(refused.stderr == "bulkops: cannot connect to http://127.0.0.1:9 (connection refused)\n")
        let noToken = try await ChildProcess.run(ServerProcess.binary, ["jobs", "list"])
        #expect(noToken.status == 2)
        #expect(noToken.stderr == "bulkops: no token: pass --token or set BULKOPS_TOKEN\n")
        for words in [["jobs", "frob"], ["jobs", "show"], ["jobs", "list", "--colour", "red"],
                      ["tokens", "create", "--name", "x"], ["jobs", "show", "a", "b"]] {
            let result = try await ChildProcess.bulkops(words, server: server)
            #expect(result.status == 2, "\(words): \(result)")
            #expect(result.stderr.hasPrefix("bulkops: ") && result.stderr.filter { $0 == "\n" }.count == 1,
                    "\(words): \(result.stderr)")
        }
        let watchMissing = try await ChildProcess.bulkops(["jobs", "watch", "job_x"], server: server)
        #expect(watchMissing.status == 1 && watchMissing.stderr == "bulkops: job job_x not found (404 not_found)\n")
    }

    @Test func retryFailedMakesAJobOverTheFailedItems() async throws {
        let server = try await ServerProcess.start(arguments: ["--demo"])
        defer { Task { await server.stop() } }
        let archived = try await server.recordIds(status: "archived", limit: 3)
        let drafts = try await server.recordIds(status: "draft", limit: 4)
        let job = try await server.createJob(ids: archived + drafts, to: "finalized", chunkSize: 2)
        let done = try await server.waitForJob(job)
        #expect(done["state"]?.stringValue == "completedWithErrors")
        #expect(done["progress"]?["failed"]?.intValue == 3)
        let retry = try await ChildProcess.bulkops(["jobs", "retry-failed", job], server: server)
        #expect(retry.status == 1, "finalizing again needs the phrase: \(retry)")
        #expect(retry.stderr.hasSuffix("(422 confirmation_required)\n"), "\(retry.stderr)")
        let archive = try await server.createJob(ids: Array(drafts.prefix(2)) + ["rec_none"], to: "archived")
        let archiveDone = try await server.waitForJob(archive)
        #expect(archiveDone["progress"]?["failed"]?.intValue == 1)
        let retried = try await ChildProcess.bulkops(["jobs", "retry-failed", archive], server: server)
        #expect(retried.status == 0, "\(retried)")
        let newId = try #require(retried.stdout.split(separator: " ").dropFirst().first.map(String.init))
        #expect(retried.stdout.hasPrefix("created job_"))
        #expect(retried.stdout.contains("over 1 failed items of \(archive)"))
        let newJob = try await server.job(newId)
        #expect(newJob["retryOf"]?.stringValue == archive)
        #expect(newJob["selection"]?["ids"]?.arrayValue == ["rec_none"])
    }

    @Test func watchDrawsProgressAndExitsWithTheJobsOutcome() async throws {
        let server = try await ServerProcess.start(arguments: ["--demo"])
        defer { Task { await server.stop() } }
        let ids = try await server.recordIds(status: "draft", limit: 200)
        let job = try await server.createJob(ids: ids, chunkSize: 2, rate: 100)
        let watched = try await ChildProcess.bulkops(["jobs", "watch", job], server: server, timeout: 60)
        #expect(watched.status == 0, "\(watched)")
        let lines = watched.stdout.split(separator: "\n")
        #expect(lines.count >= 3, "plain lines into a pipe: \(watched.stdout)")
        #expect(!watched.stdout.contains("\u{1B}["), "no cursor moves when not a terminal")
        #expect(lines.allSatisfy { $0.hasPrefix(job) })
        #expect(lines.dropLast().contains { $0.contains("running") && $0.contains("items/s") && $0.contains("ETA") })
        #expect(lines.last?.contains("succeeded") == true && lines.last?.contains("200/200") == true)
        #expect(lines.last?.contains("100.0%") == true)

        let cancelledJob = try await server.createJob(ids: Array(ids.prefix(50)), chunkSize: 1, rate: 5)
        #expect(try await server.call("POST", "/v1/jobs/\(cancelledJob)/cancel").status == 202)
        try await server.waitForJob(cancelledJob)
        let cancelled = try await ChildProcess.bulkops(["jobs", "watch", cancelledJob], server: server)
        #expect(cancelled.status == 1, "a job that did not succeed: \(cancelled)")
        #expect(cancelled.stdout.contains("cancelled"))

        let json = try await ChildProcess.bulkops(["jobs", "watch", job, "--json"], server: server)
        #expect(json.status == 0)
        let messages = json.stdout.split(separator: "\n").compactMap {
            try? JSONDecoder().decode(JSONValue.self, from: Data($0.utf8))
        }
        #expect(messages.first?["type"]?.stringValue == "hello")
        #expect(messages.contains { $0["type"]?.stringValue == "snapshot" })
    }
}
