import Foundation

/// `fanout`: D dashboards subscribed to `*` while J throttled jobs each emit `--rate` progress events a second;
/// events delivered per second, delivery latency from the event's `at` to its receipt (p50…p99.9), seq gaps and
/// late events, handshake time and rate, and the server's CPU and RSS. After a warm-up, `--samples` rounds of
/// `--duration` seconds are measured on the same connections and jobs.
enum FanoutScenario {
    static let summary = "D dashboards × J throttled jobs; delivery latency, events/s, handshakes, server CPU/RSS"
    static let usage = """
      fanout      --dashboards 1000 --jobs 1 --rate 10 [--chunk 10] [--warmup 3] [--samples 3] [--duration 10]
                  [--in-flight 64] [--late-ms 1000] [--client-acks delayed|immediate] [--readers idle|normal]
                  [--reader-pause-ms 1 (0 = read as soon as data arrives)]
                  (each job runs --chunk items per chunk at --rate chunks/s, i.e. --rate progress events/s;
                  latency ends at the kernel's receipt on the dashboard's socket, and also at the harness's handler)
    """

    struct Options: Sendable {
        var dashboards: Int
        var jobs: Int
        var rate: Double
        var chunk: Int
        var warmup: Double
        var samples: Int
        var duration: Double
        var inFlight: Int
        var lateMicros: Int64
        var delayedAcknowledgements: Bool
        var readerPriority: ReaderLoops.Priority
        var readerPause: Duration?

        init(_ arguments: CommandArguments) throws(BenchError) {
            dashboards = try arguments.int("dashboards", default: 1_000, range: 1...60_000)
            jobs = try arguments.int("jobs", default: 1, range: 1...256)
            rate = try arguments.double("rate", default: 10, range: 0.1...1_000)
            chunk = try arguments.int("chunk", default: 10, range: 1...10_000)
            warmup = try arguments.double("warmup", default: 3, range: 0...600)
            samples = try arguments.int("samples", default: 3, range: 1...100)
            duration = try arguments.double("duration", default: 10, range: 0.2...3_600)
            inFlight = try arguments.int("in-flight", default: 64, range: 1...10_000)
            lateMicros = Int64(try arguments.double("late-ms", default: 1_000, range: 1...600_000) * 1_000)
            switch arguments.string("client-acks") ?? "delayed" {
            case "delayed": delayedAcknowledgements = true
            case "immediate": delayedAcknowledgements = false
            case let other: throw BenchError("--client-acks must be delayed or immediate, not \(other)")
            }
            let readers = arguments.string("readers") ?? "idle"
            guard let priority = ReaderLoops.Priority(rawValue: readers) else {
                throw BenchError("--readers must be idle or normal, not \(readers)")
            }
            readerPriority = priority
            let pause = try arguments.double("reader-pause-ms", default: 1, range: 0...100)
            readerPause = pause > 0 ? .microseconds(Int64(pause * 1_000)) : nil
        }
    }

    static func run(_ options: Options, _ context: BenchContext) async throws {
        let measured = options.warmup + Double(options.samples) * options.duration
        let itemsPerJob = Int((Double(options.chunk) * options.rate * (measured + 30)).rounded(.up))
        let slices = RecordSlices(slices: options.jobs, items: itemsPerJob)
        let limit = FileLimit.raise(to: options.dashboards + 1_024)
        if limit < options.dashboards + 100 {
            context.note("open-file limit \(limit) is below \(options.dashboards) connections; raise the hard limit")
        }
        let target = try await context.server(benchRecords: slices.records, selectionLimit: slices.itemsPerSlice,
                                              maxConcurrentJobs: max(4, options.jobs))
        let pid = target.local?.pid
        let before = ProcessStats.sample(pid: pid)

        // Handshakes.
        let openDeadline = min(WallClock.seconds() + 60, context.deadline - 20)
        let (readers, readerNote) = try await ReaderLoops.make(count: 2, priority: options.readerPriority,
                                                                    pollingPause: options.readerPause)
        if let readerNote { context.note(readerNote) }
        let fleet = await StreamFleet.open(options.dashboards, to: target, inFlight: options.inFlight,
                                           deadline: openDeadline,
                                           delayedAcknowledgements: options.delayedAcknowledgements,
                                           eventLoopGroup: readers, progress: context.progress)
        let dashboards = fleet.connections.count
        context.add(Figure("fanout.handshakeRate", "stream handshakes/s (\(options.inFlight) in flight)",
                           unit: "conn/s", better: .higher, value: fleet.rate))
        context.add(Figure("fanout.handshake.p50", "handshake p50 (TCP connect → 101)", unit: "ms", better: .lower,
                           value: Double(fleet.handshakes.percentile(0.5)) / 1_000))
        context.add(Figure("fanout.handshake.p99", "handshake p99", unit: "ms", better: .lower,
                           value: Double(fleet.handshakes.percentile(0.99)) / 1_000))
        context.add(.target("opened every dashboard", fleet.failures == 0,
                            "\(dashboards) of \(options.dashboards) opened"
                            + (fleet.firstFailure.map { "; first failure: \($0)" } ?? "")))
        guard dashboards > 0 else { throw BenchError("no stream connection could be opened") }

        // Subscribe and wait for every snapshot.
        let tallies = fleet.connections.map { _ in DashboardTally(lateMicros: options.lateMicros) }
        for (connection, tally) in zip(fleet.connections, tallies) {
            Task { await tally.read(connection.socket) }
        }
        let subscribeStart = WallClock.seconds()
        for connection in fleet.connections { try? connection.subscribe(["*"]) }
        var subscribed = 0
        while WallClock.seconds() - subscribeStart < 30 {
            subscribed = tallies.reduce(0) { $0 + ($1.snapshots > 0 ? 1 : 0) }
            if subscribed == dashboards { break }
            context.progress.update("\(subscribed)/\(dashboards) dashboards have their snapshot")
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        context.add(Figure("fanout.subscribeAll", "subscribe → every snapshot received (\(dashboards) dashboards)",
                           unit: "ms", better: .lower, value: (WallClock.seconds() - subscribeStart) * 1_000))
        let connected = ProcessStats.sample(pid: pid)
        if let before, let connected {
            context.add(Figure("fanout.serverRSSConnected", "server RSS with \(dashboards) dashboards subscribed",
                               unit: "MiB", better: .lower, value: Double(connected.residentBytes) / 1_048_576))
            context.add(Figure("fanout.serverRSSPerDashboard", "server RSS per dashboard", unit: "KiB",
                               better: .lower,
                               value: Double(connected.residentBytes - before.residentBytes) / 1_024
                                   / Double(dashboards)))
        }

        // The jobs.
        let api = try await APIClient.connect(target)
        var jobIds: [String] = []
        for index in 0..<options.jobs {
            let body = slices.createBody(index, chunkSize: options.chunk,
                                         maxItemsPerSecond: Double(options.chunk) * options.rate)
            jobIds.append(try await api.json(JobView.self, "POST", "/v1/jobs", body: body).id)
        }
        context.progress.update("\(options.jobs) jobs running; warming up for \(options.warmup) s")
        try await sleep(options.warmup, context)
        for tally in tallies { _ = tally.takeRound() }

        var rates: [Double] = [], p50: [Double] = [], p90: [Double] = [], p99: [Double] = [], p999: [Double] = []
        var handlerP50: [Double] = [], handlerP99: [Double] = []
        var firstP99: [Double] = [], spreadP50: [Double] = [], spreadP99: [Double] = []
        var maxima: [Double] = [], serverCPU: [Double] = [], clientCPU: [Double] = [], serverRSS: [Double] = []
        var missedShare: [Double] = [], published: [Double] = []
        var late = 0, outOfOrder = 0, received = 0
        var whole = LatencyHistogram()
        for round in 0..<options.samples {
            guard context.secondsLeft > options.duration + 15 else {
                context.note("measured \(round) of \(options.samples) rounds: the time limit was reached")
                break
            }
            let seqBefore = await seqs(jobIds, api)
            let server = CPUWindow(pid: pid)
            let client = CPUWindow(pid: nil)
            let started = WallClock.seconds()
            try await sleep(options.duration, context, label: "round \(round + 1)/\(options.samples)")
            let seqAfter = await seqs(jobIds, api)
            var histogram = LatencyHistogram()
            var handlerHistogram = LatencyHistogram()
            var roundReceived = 0, roundMissed = 0
            var events: [DashboardTally.EventKey: (first: UInt32, last: UInt32)] = [:]
            for tally in tallies {
                let part = tally.takeRound()
                for (key, latency) in part.byEvent {
                    let seen = events[key] ?? (latency, latency)
                    events[key] = (min(seen.first, latency), max(seen.last, latency))
                }
                for latency in part.latencies { histogram.record(Int64(latency)) }
                for latency in part.handlerLatencies { handlerHistogram.record(Int64(latency)) }
                roundReceived += part.received
                roundMissed += part.missed
                late += part.late
                outOfOrder += part.outOfOrder
            }
            let elapsed = WallClock.seconds() - started
            // why: a job slowed by the fan-out publishes fewer events; that is not seen as seq gaps
            let publishedEvents = jobIds.reduce(0) { $0 + (seqAfter[$1] ?? 0) - (seqBefore[$1] ?? 0) }
            published.append(Double(publishedEvents) / Double(jobIds.count) / elapsed)
            received += roundReceived
            whole.merge(histogram)
            rates.append(Double(roundReceived) / elapsed)
            p50.append(Double(histogram.percentile(0.5)) / 1_000)
            p90.append(Double(histogram.percentile(0.9)) / 1_000)
            p99.append(Double(histogram.percentile(0.99)) / 1_000)
            p999.append(Double(histogram.percentile(0.999)) / 1_000)
            maxima.append(Double(histogram.maximum) / 1_000)
            handlerP50.append(Double(handlerHistogram.percentile(0.5)) / 1_000)
            var firsts = LatencyHistogram(), spreads = LatencyHistogram()
            for (first, last) in events.values {
                firsts.record(Int64(first))
                spreads.record(Int64(last - first))
            }
            firstP99.append(Double(firsts.percentile(0.99)) / 1_000)
            spreadP50.append(Double(spreads.percentile(0.5)) / 1_000)
            spreadP99.append(Double(spreads.percentile(0.99)) / 1_000)
            handlerP99.append(Double(handlerHistogram.percentile(0.99)) / 1_000)
            missedShare.append(roundReceived + roundMissed == 0 ? 0
                               : Double(roundMissed) / Double(roundReceived + roundMissed) * 100)
            if let (percent, stats) = server.finish() {
                serverCPU.append(percent)
                serverRSS.append(Double(stats.residentBytes) / 1_048_576)
            }
            if let (percent, _) = client.finish() { clientCPU.append(percent) }
        }
        let expected = Double(dashboards * options.jobs) * options.rate
        context.add(Figure("fanout.eventsPerSecond",
                           "events delivered/s (\(dashboards) × \(options.jobs) jobs × \(fmt(options.rate))/s "
                           + "= \(Int(expected)) if every job keeps its rate)", unit: "events/s", better: .higher,
                           samples: rates))
        context.add(Figure("fanout.publishedPerJob", "events published per job/s (asked: \(fmt(options.rate)))",
                           unit: "events/s", better: .higher, samples: published))
        context.add(Figure("fanout.latency.p50", "delivery latency p50 (at → kernel receipt)", unit: "ms",
                           better: .lower, samples: p50))
        context.add(Figure("fanout.latency.p90", "delivery latency p90", unit: "ms", better: .lower, samples: p90))
        context.add(Figure("fanout.latency.p99", "delivery latency p99", unit: "ms", better: .lower, samples: p99))
        context.add(Figure("fanout.latency.p999", "delivery latency p99.9", unit: "ms", better: .lower, samples: p999))
        context.add(Figure("fanout.latency.max", "delivery latency max", unit: "ms", better: .lower, samples: maxima))
        context.add(Figure("fanout.firstReceipt.p99", "per event: at → first dashboard's receipt, p99", unit: "ms",
                           better: .lower, samples: firstP99))
        context.add(Figure("fanout.spread.p50", "per event: first → last dashboard's receipt, p50", unit: "ms",
                           better: .lower, samples: spreadP50))
        context.add(Figure("fanout.spread.p99", "per event: first → last dashboard's receipt, p99", unit: "ms",
                           better: .lower, samples: spreadP99))
        context.add(Figure("fanout.handlerLatency.p50", "at → harness handler p50 (+ the harness's queueing)",
                           unit: "ms", better: .lower, samples: handlerP50))
        context.add(Figure("fanout.handlerLatency.p99", "at → harness handler p99", unit: "ms", better: .lower,
                           samples: handlerP99))
        context.add(Figure("fanout.missedPercent", "events not delivered (seq gaps: coalesced or dropped)",
                           unit: "%", better: .lower, samples: missedShare))
        context.add(Figure("fanout.late", "events later than \(options.lateMicros / 1_000) ms (all rounds)",
                           unit: "events", better: .lower, value: Double(late)))
        if !serverCPU.isEmpty {
            context.add(Figure("fanout.serverCPU", "server CPU", unit: "% core", better: .lower, samples: serverCPU))
            context.add(Figure("fanout.serverRSS", "server RSS during the rounds", unit: "MiB", better: .lower,
                               samples: serverRSS))
        }
        context.add(Figure("fanout.clientCPU", "harness CPU (shares the cores)", unit: "% core", samples: clientCPU))
        context.add(.correctness("job events arrive in seq order on every connection", outOfOrder == 0,
                                 "\(outOfOrder) of \(received) events arrived after a later seq of their job"))
        if dashboards == 1_000 && Double(options.jobs) * options.rate <= 10 {
            let measuredP99 = Figure("", "", unit: "", samples: p99).median
            context.add(.target("p99 ≤ 10 ms at \(dashboards) subscribers × \(fmt(options.rate)) events/s",
                                measuredP99 <= 10, String(format: "p99 %.2f ms to the kernel's receipt (median "
                                                          + "of %d rounds); %.2f ms to the harness's handler",
                                                          measuredP99, p99.count,
                                                          Figure("", "", unit: "", samples: handlerP99).median)))
        }

        // Cancel the jobs; every dashboard must see each job finish exactly once.
        context.progress.update("cancelling the jobs")
        for id in jobIds { _ = try? await api.send("POST", "/v1/jobs/\(id)/cancel") }
        let waitStart = WallClock.seconds()
        var missing = 0
        while WallClock.seconds() - waitStart < 20 {
            missing = tallies.reduce(0) { sum, tally in sum + jobIds.filter { tally.finishedCount($0) == 0 }.count }
            if missing == 0 { break }
            context.progress.update("waiting for \(missing) finished events")
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        let duplicates = tallies.reduce(0) { sum, tally in sum + jobIds.filter { tally.finishedCount($0) > 1 }.count }
        context.add(.correctness("every dashboard got each job's finished event exactly once",
                                 missing == 0 && duplicates == 0,
                                 "\(dashboards) dashboards × \(jobIds.count) jobs: \(missing) missing, "
                                 + "\(duplicates) repeated"))
        let finalSeqs = await seqs(jobIds, api)
        let behind = tallies.reduce(0) { sum, tally in
            sum + jobIds.filter { tally.lastSeq($0) != finalSeqs[$0] }.count
        }
        context.add(.correctness("every dashboard ends at each job's final seq", behind == 0,
                                 "\(behind) of \(dashboards * jobIds.count) (dashboard, job) pairs end elsewhere"))
        let dropped = tallies.filter(\.readerEnded).count
        context.add(.target("no dashboard was disconnected by the server", dropped == 0,
                            "\(dropped) closed"
                            + (tallies.first(where: \.readerEnded)?.closeInfo.map { ", e.g. code \($0.code)" } ?? "")))
        await api.close()
        context.progress.update("closing \(dashboards) dashboards")
        await withTaskGroup(of: Void.self) { group in
            for connection in fleet.connections { group.addTask { await connection.close() } }
        }
    }

    /// Each job's current seq: how many events it has published.
    static func seqs(_ jobIds: [String], _ api: APIClient) async -> [String: Int] {
        var result: [String: Int] = [:]
        for id in jobIds { result[id] = (try? await api.json(JobView.self, "GET", "/v1/jobs/\(id)"))?.seq }
        return result
    }

    /// Sleeps `seconds` in small steps so that the progress line moves and the deadline is honoured.
    static func sleep(_ seconds: Double, _ context: BenchContext, label: String? = nil) async throws {
        let end = min(WallClock.seconds() + seconds, context.deadline)
        while true {
            let left = end - WallClock.seconds()
            if left <= 0 { return }
            if let label { context.progress.update("\(label): \(Int(left.rounded(.up))) s left") }
            try await Task.sleep(nanoseconds: UInt64(min(left, 0.5) * 1e9))
        }
    }

    static func fmt(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }
}
