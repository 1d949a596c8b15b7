import Foundation
import Glibc

/// `recovery`: J jobs run; at evenly spaced points of their combined progress the local server is SIGKILLed and
/// started again on the same data directory. Measured per kill: restart → listening, → every unfinished job
/// `running` again (GET /v1/jobs), → every unfinished job has made new progress (stream); after the last kill,
/// → every job finished. Then the API is asked whether any item was lost or applied twice: each job's counts,
/// the audit log of each job (`GET /v1/audit?jobId=`, one entry per changed item, paged through and compared with
/// the job's slice id by id), and the number of draft records left (`GET /v1/records?status=draft`).
enum RecoveryScenario {
    static let summary = "SIGKILL under load, restart on the same data; time to resume; nothing lost or repeated"
    static let usage = """
      recovery    [--jobs 4] [--items 25000] [--chunk 200] [--rate 10000 (items/s per job, 0 = unthrottled)]
                  [--kills 3]   (local server only)
    """

    struct Options: Sendable {
        var jobs: Int
        var items: Int
        var chunk: Int
        var rate: Double
        var kills: Int

        init(_ arguments: CommandArguments) throws(BenchError) {
            jobs = try arguments.int("jobs", default: 4, range: 1...64)
            items = try arguments.int("items", default: 25_000, range: 10...1_000_000)
            chunk = try arguments.int("chunk", default: 200, range: 1...10_000)
            rate = try arguments.double("rate", default: 10_000, range: 0...10_000_000)
            kills = try arguments.int("kills", default: 3, range: 1...50)
        }
    }

    static func run(_ options: Options, _ context: BenchContext) async throws {
        guard context.isLocal else { throw BenchError("recovery kills the server, so it needs a local one (no --url)") }
        let slices = RecordSlices(slices: options.jobs, items: options.items)
        let items = slices.itemsPerSlice
        let total = items * options.jobs
        var target = try await context.server(benchRecords: slices.records, selectionLimit: items,
                                              maxConcurrentJobs: max(4, options.jobs))
        guard let server = target.local else { throw BenchError("no local server") }
        var api = try await APIClient.connect(target)
        var watch = try await StreamWatch.open(target)
        var jobIds: [String] = []
        for index in 0..<options.jobs {
            let body = slices.createBody(index, chunkSize: options.chunk,
                                         maxItemsPerSecond: options.rate > 0 ? options.rate : nil)
            jobIds.append(try await api.json(JobView.self, "POST", "/v1/jobs", body: body).id)
        }

        var listening: [Double] = [], running: [Double] = [], progressing: [Double] = [], reoffered: [Double] = []
        var finishedAfterRestart: Double?
        var restartedAt = WallClock.seconds()
        var kills = 0
        for kill in 1...options.kills {
            let goal = total * kill / (options.kills + 1)
            let seen = try await waitForProcessed(goal, jobIds: jobIds, api: api, context: context,
                                                  label: "kill \(kill)/\(options.kills) at \(goal) items")
            guard seen.total < total else {
                context.note("all jobs finished before kill \(kill); use more --items or a lower --rate")
                break
            }
            await api.close()
            await server.kill()
            kills += 1
            restartedAt = WallClock.seconds()
            context.progress.update("kill \(kill): restarting")
            let life = try await server.start(timeout: min(120, max(10, context.secondsLeft)))
            listening.append((WallClock.seconds() - restartedAt) * 1_000)
            target.port = life.port
            api = try await APIClient.connect(target)

            // Every job that was not finished is running again.
            var recovered: [String: JobView] = [:]
            while true {
                let page = try await api.json(ListPage<JobView>.self, "GET", "/v1/jobs?limit=1000")
                recovered = Dictionary(page.items.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
                let back = jobIds.allSatisfy { recovered[$0].map { $0.state == "running" || $0.isTerminal } ?? false }
                if back { break }
                guard WallClock.seconds() - restartedAt < 60 else {
                    throw BenchError("jobs not running 60 s after restart: "
                                     + jobIds.map { "\($0)=\(recovered[$0]?.state ?? "missing")" }
                                         .joined(separator: ", "))
                }
                try await Task.sleep(nanoseconds: 2_000_000)
            }
            running.append((WallClock.seconds() - restartedAt) * 1_000)
            let recoveredTotal = jobIds.reduce(0) { $0 + (recovered[$1]?.progress.processed ?? 0) }
            reoffered.append(Double(max(0, seen.total - recoveredTotal)))

            // Every unfinished job makes progress again.
            await watch.close()
            watch = try await StreamWatch.open(target)
            for id in jobIds where !(recovered[id]?.isTerminal ?? true) {
                let from = recovered[id]?.progress.processed ?? 0
                guard await watch.next(timeout: 60, where: {
                    $0.jobId == id && ($0.processed > from || JobView.terminalStates.contains($0.state))
                }) != nil else { throw BenchError("job \(id) made no progress within 60 s of the restart") }
            }
            progressing.append((WallClock.seconds() - restartedAt) * 1_000)
        }

        // Every job finishes.
        let finalTotal = try await waitForProcessed(total, jobIds: jobIds, api: api, context: context,
                                                    label: "waiting for the jobs to finish", terminal: true)
        if finalTotal.allTerminal { finishedAfterRestart = WallClock.seconds() - restartedAt }
        await watch.close()

        context.add(Figure("recovery.listening", "restart after SIGKILL → listening", unit: "ms", better: .lower,
                           samples: listening))
        context.add(Figure("recovery.running", "restart → every unfinished job running (GET)", unit: "ms",
                           better: .lower, samples: running))
        context.add(Figure("recovery.progressing", "restart → every unfinished job progressing (stream)", unit: "ms",
                           better: .lower, samples: progressing))
        context.add(Figure("recovery.reoffered", "items the recovered jobs counted again (re-offered chunks)",
                           unit: "items", samples: reoffered))
        if let finishedAfterRestart {
            context.add(Figure("recovery.finished", "last restart → every job finished", unit: "s", better: .lower,
                               value: finishedAfterRestart))
        }

        // Nothing lost, nothing repeated.
        context.progress.update("checking the audit log item by item")
        var lost = 0, repeated = 0, foreign = 0, badJobs: [String] = []
        for (index, id) in jobIds.enumerated() {
            let job = try await api.json(JobView.self, "GET", "/v1/jobs/\(id)")
            if job.state != "succeeded" || job.progress.succeeded != items || job.progress.failed != 0
                || job.progress.skipped != 0 {
                badJobs.append("\(id) \(job.state) succeeded \(job.progress.succeeded) failed \(job.progress.failed) "
                               + "skipped \(job.progress.skipped)")
            }
            var counts: [String: Int] = [:]
            var cursor: String? = "0"
            while let position = cursor {
                let page = try await api.json(ListPage<AuditView>.self, "GET",
                                              "/v1/audit?jobId=\(id)&entity=records&limit=1000&cursor=\(position)")
                for entry in page.items { counts[entry.itemId ?? "", default: 0] += 1 }
                cursor = page.nextCursor
            }
            let expected = Set(slices.itemIds(index))
            lost += expected.filter { counts[$0] == nil }.count
            repeated += counts.values.reduce(0) { $0 + max(0, $1 - 1) }
            foreign += counts.keys.filter { !expected.contains($0) }.count
        }
        let drafts = try await api.json(ListPage<AuditView>.self, "GET", "/v1/records?status=draft&limit=1").total
        await api.close()
        context.add(Figure("recovery.kills", "kills survived", unit: "kills", value: Double(kills)))
        context.add(.correctness("no item lost (audit entry for every item of every job)", lost == 0,
                                 "\(lost) of \(total) items without an audit entry"))
        context.add(.correctness("no item applied twice (one audit entry per item)", repeated == 0 && foreign == 0,
                                 "\(repeated) extra entries, \(foreign) entries for items outside the job"))
        context.add(.correctness("every job succeeded with every item and no skips", badJobs.isEmpty,
                                 badJobs.isEmpty ? "\(options.jobs) jobs × \(items) items"
                                                 : badJobs.prefix(3).joined(separator: "; ")))
        context.add(.correctness("no draft record left inside the jobs' slices", drafts == slices.records - total,
                                 "\(drafts) drafts left, \(slices.records - total) expected outside the slices"))
    }

    /// Polls the jobs until together they processed `goal` items (or all are terminal when `terminal`).
    private static func waitForProcessed(_ goal: Int, jobIds: [String], api: APIClient, context: BenchContext,
                                         label: String, terminal: Bool = false) async throws
        -> (total: Int, allTerminal: Bool) {
        let started = WallClock.seconds()
        while true {
            var total = 0
            var allTerminal = true
            for id in jobIds {
                let job = try await api.json(JobView.self, "GET", "/v1/jobs/\(id)")
                total += job.progress.processed
                allTerminal = allTerminal && job.isTerminal
            }
            context.progress.update("\(label): \(total) processed")
            if terminal ? allTerminal : (total >= goal || allTerminal) { return (total, allTerminal) }
            guard WallClock.seconds() - started < min(90, max(1, context.secondsLeft)) else {
                let waited = Int(WallClock.seconds() - started)
                throw BenchError("\(label): only \(total) items processed after \(waited) s")
            }
            try await Task.sleep(nanoseconds: 5_000_000)
        }
    }
}
