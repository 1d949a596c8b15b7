import Foundation

/// `throughput`: N records.setStatus jobs of M items each, created at the same moment over disjoint slices of the
/// bench data; items/s overall and per job, and each job's latency from the create request to its `finished`
/// event on the stream. One warm-up round, then `--samples` rounds, each over fresh draft records.
enum ThroughputScenario {
    static let summary = "N jobs × M items created concurrently; items/s overall and per job, create→finished"
    static let usage = """
      throughput  --jobs 4 --items 25000 [--chunk 500] [--samples 3] [--warmup 1] [--selection filter|ids]
                  [--max-concurrent-jobs N]
    """

    struct Options: Sendable {
        var jobs: Int
        var items: Int
        var chunk: Int?
        var samples: Int
        var warmup: Int
        var byIds: Bool
        var maxConcurrentJobs: Int?

        init(_ arguments: CommandArguments) throws(BenchError) {
            jobs = try arguments.int("jobs", default: 4, range: 1...64)
            items = try arguments.int("items", default: 25_000, range: 1...1_000_000)
            chunk = arguments.has("chunk") ? try arguments.int("chunk", default: 500, range: 1...10_000) : nil
            samples = try arguments.int("samples", default: 3, range: 1...100)
            warmup = try arguments.int("warmup", default: 1, range: 0...10)
            let selection = arguments.string("selection", default: "filter")
            guard selection == "filter" || selection == "ids" else {
                throw BenchError("--selection is filter or ids", exitCode: 2)
            }
            byIds = selection == "ids"
            maxConcurrentJobs = arguments.has("max-concurrent-jobs")
                ? try arguments.int("max-concurrent-jobs", default: 4, range: 1...256) : nil
        }
    }

    /// One job of one round.
    private struct JobRun: Sendable {
        var id: String
        var sentMicros: Int64
        var answeredMicros: Int64
    }

    static func run(_ options: Options, _ context: BenchContext) async throws {
        let rounds = options.warmup + options.samples
        let slices = RecordSlices(slices: options.jobs * rounds, items: options.items, byIds: options.byIds)
        let items = slices.itemsPerSlice
        let target = try await context.server(benchRecords: slices.records, selectionLimit: items,
                                              maxConcurrentJobs: options.maxConcurrentJobs)
        if items != options.items { context.note("each job covers \(items) items (slices of the bench data)") }
        let watch = try await StreamWatch.open(target)
        var clients: [APIClient] = []
        for _ in 0..<options.jobs { clients.append(try await APIClient.connect(target)) }

        var overall: [Double] = []
        var perJob: [Double] = []
        var latency: [Double] = []
        var createLatency: [Double] = []
        var allSucceeded = true
        var details: [String] = []
        for round in 0..<rounds {
            guard context.secondsLeft > 5 else {
                context.note("stopped after \(round) rounds: the time limit was reached")
                break
            }
            let isWarmup = round < options.warmup
            context.progress.update("round \(round + 1)/\(rounds)\(isWarmup ? " (warm-up)" : ""): creating "
                                    + "\(options.jobs) jobs of \(items) items")
            let position = watch.position
            let runs = try await withThrowingTaskGroup(of: JobRun.self) { group in
                for (index, client) in clients.enumerated() {
                    let body = slices.createBody(round * options.jobs + index, chunkSize: options.chunk)
                    group.addTask {
                        let sent = WallClock.micros()
                        let job = try await client.json(JobView.self, "POST", "/v1/jobs", body: body)
                        return JobRun(id: job.id, sentMicros: sent, answeredMicros: WallClock.micros())
                    }
                }
                var runs: [JobRun] = []
                for try await run in group { runs.append(run) }
                return runs
            }
            var finishedAt: [String: Int64] = [:]
            for run in runs {
                let id = run.id
                let timeout = max(1, min(90, context.secondsLeft))
                guard let event = await watch.next(after: position, timeout: timeout,
                                                   where: { $0.kind == .finished && $0.jobId == id }) else {
                    throw BenchError("job \(id) did not finish within \(Int(timeout)) s")
                }
                finishedAt[id] = event.receivedMicros
                context.progress.update("round \(round + 1)/\(rounds): \(finishedAt.count)/\(runs.count) jobs finished")
            }
            let checker = clients[0]
            for run in runs {
                let job = try await checker.json(JobView.self, "GET", "/v1/jobs/\(run.id)")
                if job.state != "succeeded" || job.progress.succeeded != items {
                    allSucceeded = false
                    details.append("\(run.id) ended \(job.state) with \(job.progress.succeeded)/\(items) succeeded")
                }
                guard !isWarmup else { continue }
                if let seconds = job.runSeconds, seconds > 0 { perJob.append(Double(items) / seconds) }
                latency.append(Double(finishedAt[run.id, default: run.sentMicros] - run.sentMicros) / 1_000)
                createLatency.append(Double(run.answeredMicros - run.sentMicros) / 1_000)
            }
            guard !isWarmup, let first = runs.map(\.sentMicros).min(), let last = finishedAt.values.max() else {
                continue
            }
            overall.append(Double(items * runs.count) / (Double(last - first) / 1e6))
        }
        for client in clients { await client.close() }
        await watch.close()

        let scale = "\(options.jobs)×\(items)"
        context.add(Figure("throughput.itemsPerSecond", "items/s overall (\(scale), first create→last finished)",
                           unit: "items/s", better: .higher, samples: overall))
        context.add(Figure("throughput.jobItemsPerSecond", "items/s per job (startedAt→finishedAt)", unit: "items/s",
                           better: .higher, samples: perJob))
        context.add(Figure("throughput.jobLatency", "job latency create request→finished event", unit: "ms",
                           better: .lower, samples: latency))
        context.add(Figure("throughput.createLatency", "create request→201 answer", unit: "ms", better: .lower,
                           samples: createLatency))
        context.add(.correctness("every job succeeded with every item", allSucceeded,
                                 allSucceeded ? "\(overall.count) rounds × \(options.jobs) jobs × \(items) items"
                                              : details.prefix(5).joined(separator: "; ")))
    }
}
