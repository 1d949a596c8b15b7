import Foundation
import Synchronization

/// `api`: request rate and latency of `GET /v1/jobs/{id}` with `--concurrency` keep-alive connections each sending
/// one request after another, for `--samples` rounds of `--duration` seconds after a warm-up; then creates
/// (`POST /v1/jobs`, each over its own small slice of the bench data, so no two conflict) at the same concurrency,
/// at most `--creates` of them. The created jobs run as they would in production.
enum APIScenario {
    static let summary = "GET /v1/jobs/{id} and POST /v1/jobs: requests/s and latency p50/p99 at a concurrency"
    static let usage = """
      api         [--concurrency 16] [--duration 3] [--samples 3] [--warmup 1] [--creates 600]
    """

    struct Options: Sendable {
        var concurrency: Int
        var duration: Double
        var samples: Int
        var warmup: Double
        var creates: Int

        init(_ arguments: CommandArguments) throws(BenchError) {
            concurrency = try arguments.int("concurrency", default: 16, range: 1...2_000)
            duration = try arguments.double("duration", default: 3, range: 0.1...600)
            samples = try arguments.int("samples", default: 3, range: 1...100)
            warmup = try arguments.double("warmup", default: 1, range: 0...600)
            creates = try arguments.int("creates", default: 600, range: 1...9_000)
        }
    }

    /// One round of one kind of request.
    private struct Round {
        var latencies = LatencyHistogram()
        var failures = 0
        var firstFailure: String?
        var seconds: Double = 0
        var rate: Double { seconds > 0 ? Double(latencies.count) / seconds : 0 }
    }

    static func run(_ options: Options, _ context: BenchContext) async throws {
        // why: one slice for the job that is read, one per create; a slice of one date value is `perDate` records
        let slices = RecordSlices(slices: options.creates + 1, items: 1)
        let target = try await context.server(benchRecords: slices.records, selectionLimit: slices.itemsPerSlice)
        var clients: [APIClient] = []
        for _ in 0..<options.concurrency { clients.append(try await APIClient.connect(target)) }
        let job = try await clients[0].json(JobView.self, "POST", "/v1/jobs", body: slices.createBody(0))
        let path = "/v1/jobs/\(job.id)"

        // GET /v1/jobs/{id}
        if options.warmup > 0 {
            context.progress.update("GET \(path): warm-up")
            _ = await measure(clients, seconds: options.warmup, count: .max) { client, _ in
                try await client.send("GET", path).status
            }
        }
        var gets: [Round] = []
        var getCPU: [Double] = []
        for round in 0..<options.samples {
            guard context.secondsLeft > options.duration + 10 else { break }
            context.progress.update("GET \(path): round \(round + 1)/\(options.samples)")
            let cpu = CPUWindow(pid: target.local?.pid)
            gets.append(await measure(clients, seconds: options.duration, count: .max) { client, _ in
                try await client.send("GET", path).status
            })
            if let (percent, _) = cpu.finish() { getCPU.append(percent) }
        }
        let concurrency = options.concurrency
        context.add(Figure("api.get.rate", "GET /v1/jobs/{id} requests/s (\(concurrency) connections)", unit: "req/s",
                           better: .higher, samples: gets.map(\.rate)))
        context.add(Figure("api.get.p50", "GET /v1/jobs/{id} latency p50", unit: "ms", better: .lower,
                           samples: gets.map { Double($0.latencies.percentile(0.5)) / 1_000 }))
        context.add(Figure("api.get.p99", "GET /v1/jobs/{id} latency p99", unit: "ms", better: .lower,
                           samples: gets.map { Double($0.latencies.percentile(0.99)) / 1_000 }))
        if !getCPU.isEmpty {
            context.add(Figure("api.get.serverCPU", "server CPU during GETs", unit: "% core", samples: getCPU))
        }

        // POST /v1/jobs, each over the next slice.
        let perRound = max(1, options.creates / options.samples)
        let next = Mutex(1)
        var creates: [Round] = []
        for round in 0..<options.samples {
            guard context.secondsLeft > 10 else { break }
            context.progress.update("POST /v1/jobs: round \(round + 1)/\(options.samples)")
            let limit = min(options.creates + 1, 1 + perRound * (round + 1))
            let created = await measure(clients, seconds: max(options.duration, 30), count: limit) { client, _ in
                let slice = next.withLock { value -> Int? in
                    guard value < limit else { return nil }
                    defer { value += 1 }
                    return value
                }
                guard let slice else { return nil }
                return try await client.send("POST", "/v1/jobs", body: slices.createBody(slice)).status
            }
            if created.latencies.count > 0 { creates.append(created) }
        }
        context.add(Figure("api.create.rate", "POST /v1/jobs requests/s (\(concurrency) connections, \(slices.perDate) "
                           + "items each)", unit: "req/s", better: .higher, samples: creates.map(\.rate)))
        context.add(Figure("api.create.p50", "POST /v1/jobs latency p50", unit: "ms", better: .lower,
                           samples: creates.map { Double($0.latencies.percentile(0.5)) / 1_000 }))
        context.add(Figure("api.create.p99", "POST /v1/jobs latency p99", unit: "ms", better: .lower,
                           samples: creates.map { Double($0.latencies.percentile(0.99)) / 1_000 }))
        let failures = (gets + creates).reduce(0) { $0 + $1.failures }
        let requests = (gets + creates).reduce(0) { $0 + $1.latencies.count }
        context.add(.correctness("every request answered 200 or 201", failures == 0,
                                 "\(failures) failed of \(requests + failures)"
                                 + ((gets + creates).compactMap(\.firstFailure).first.map { "; first: \($0)" } ?? "")))
        for client in clients { await client.close() }
    }

    /// Runs one worker per client until `seconds` pass or `request` returns nil (nothing left to send); a status
    /// other than 200/201 or a thrown error counts as a failure.
    private static func measure(_ clients: [APIClient], seconds: Double, count: Int,
                                _ request: @escaping @Sendable (APIClient, Int) async throws -> Int?) async -> Round {
        let started = WallClock.seconds()
        let end = started + seconds
        var round = Round()
        await withTaskGroup(of: Round.self) { group in
            for (index, client) in clients.enumerated() {
                group.addTask {
                    var own = Round()
                    var sent = 0
                    while WallClock.seconds() < end, sent < count {
                        let begin = WallClock.micros()
                        do {
                            guard let status = try await request(client, index) else { break }
                            if status == 200 || status == 201 {
                                own.latencies.record(WallClock.micros() - begin)
                            } else {
                                own.failures += 1
                                if own.firstFailure == nil { own.firstFailure = "HTTP \(status)" }
                            }
                        } catch {
                            own.failures += 1
                            if own.firstFailure == nil { own.firstFailure = "\(error)" }
                        }
                        sent += 1
                    }
                    return own
                }
            }
            for await part in group {
                round.latencies.merge(part.latencies)
                round.failures += part.failures
                if round.firstFailure == nil { round.firstFailure = part.firstFailure }
            }
        }
        round.seconds = WallClock.seconds() - started
        return round
    }
}
