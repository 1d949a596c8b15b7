import Foundation

/// `control`: how fast pause and cancel take hold. For each sample a job runs until its first progress event, is
/// paused (request → `pausing` event, request → `paused` event, items processed after the request), resumed until
/// it progresses again, then cancelled (request → `cancelled` event, items after). "Items after the request" is the
/// job's processed count in the final state event minus the count in the 202 answer.
enum ControlScenario {
    static let summary = "pause/cancel request → state event on the stream; items processed after the request"
    static let usage = """
      control     [--samples 5] [--warmup 1] [--items 100000] [--chunk 500] [--rate 0 (items/s, 0 = unthrottled)]
    """

    struct Options: Sendable {
        var samples: Int
        var warmup: Int
        var items: Int
        var chunk: Int
        var rate: Double

        init(_ arguments: CommandArguments) throws(BenchError) {
            samples = try arguments.int("samples", default: 5, range: 1...100)
            warmup = try arguments.int("warmup", default: 1, range: 0...10)
            items = try arguments.int("items", default: 100_000, range: 10...1_000_000)
            chunk = try arguments.int("chunk", default: 500, range: 1...10_000)
            rate = try arguments.double("rate", default: 0, range: 0...10_000_000)
        }
    }

    /// One stop: how long until the stream showed it, and how far the job got meanwhile.
    private struct Stop {
        var answerMs: Double
        var acknowledgedMs: Double?
        var stoppedMs: Double
        var itemsAfter: Int
    }

    static func run(_ options: Options, _ context: BenchContext) async throws {
        let rounds = options.warmup + options.samples
        let slices = RecordSlices(slices: rounds, items: options.items)
        let target = try await context.server(benchRecords: slices.records, selectionLimit: slices.itemsPerSlice)
        let watch = try await StreamWatch.open(target)
        let api = try await APIClient.connect(target)
        var pauses: [Stop] = [], cancels: [Stop] = [], resumes: [Double] = []
        var skipped = 0
        for round in 0..<rounds {
            guard context.secondsLeft > 15 else {
                context.note("stopped after \(round) rounds: the time limit was reached")
                break
            }
            let isWarmup = round < options.warmup
            context.progress.update("sample \(round + 1)/\(rounds)\(isWarmup ? " (warm-up)" : "")")
            let position = watch.position
            let body = slices.createBody(round, chunkSize: options.chunk,
                                         maxItemsPerSecond: options.rate > 0 ? options.rate : nil)
            let job = try await api.json(JobView.self, "POST", "/v1/jobs", body: body)
            let id = job.id
            guard await watch.next(after: position, timeout: 30, where: {
                $0.jobId == id && $0.kind == .progress
            }) != nil else { throw BenchError("job \(id) made no progress within 30 s") }

            guard let pause = try await stop(id, action: "pause", final: "paused", acknowledged: "pausing",
                                             api: api, watch: watch) else {
                skipped += 1
                continue
            }
            let resumeAt = watch.position
            let resumeSent = WallClock.micros()
            _ = try await api.json(JobView.self, "POST", "/v1/jobs/\(id)/resume")
            guard let progressed = await watch.next(after: resumeAt, timeout: 30, where: {
                $0.jobId == id && ($0.kind == .progress || $0.kind == .finished)
            }) else { throw BenchError("job \(id) did not progress within 30 s of resuming") }
            guard progressed.kind == .progress,
                  let cancel = try await stop(id, action: "cancel", final: "cancelled", acknowledged: "cancelling",
                                              api: api, watch: watch) else {
                skipped += 1
                continue
            }
            guard !isWarmup else { continue }
            pauses.append(pause)
            cancels.append(cancel)
            resumes.append(Double(progressed.receivedMicros - resumeSent) / 1_000)
        }
        await api.close()
        await watch.close()
        if skipped > 0 {
            context.note("\(skipped) samples skipped: the job finished before the request reached it; use more --items")
        }
        for (name, stops) in [("pause", pauses), ("cancel", cancels)] {
            let final = name == "pause" ? "paused" : "cancelled"
            context.add(Figure("control.\(name).answer", "\(name) request → 202 answer", unit: "ms", better: .lower,
                               samples: stops.map(\.answerMs)))
            context.add(Figure("control.\(name).acknowledged",
                               "\(name) request → \(name == "pause" ? "pausing" : "cancelling") event", unit: "ms",
                               better: .lower, samples: stops.compactMap(\.acknowledgedMs)))
            context.add(Figure("control.\(name).stopped", "\(name) request → \(final) event", unit: "ms",
                               better: .lower, samples: stops.map(\.stoppedMs)))
            context.add(Figure("control.\(name).itemsAfter", "\(name): items processed after the request",
                               unit: "items", better: .lower, samples: stops.map { Double($0.itemsAfter) }))
        }
        context.add(Figure("control.resume.progress", "resume request → next progress event", unit: "ms",
                           better: .lower, samples: resumes))
        let chunk = options.chunk
        let bounded = (pauses + cancels).allSatisfy { $0.itemsAfter <= chunk }
        context.add(.correctness("a stop lands at the next chunk boundary", bounded,
                                 "at most \((pauses + cancels).map(\.itemsAfter).max() ?? 0) items after a request "
                                 + "(chunk \(chunk))"))
    }

    /// Sends `action` and waits for the job's `final` state on the stream; nil when the job had already finished.
    private static func stop(_ id: String, action: String, final: String, acknowledged: String, api: APIClient,
                             watch: StreamWatch) async throws -> Stop? {
        let position = watch.position
        let sent = WallClock.micros()
        let response = try await api.send("POST", "/v1/jobs/\(id)/\(action)")
        let answered = WallClock.micros()
        if response.status == 409 { return nil }
        guard response.status == 202 else {
            throw BenchError("\(action) answered \(response.status): \(String(decoding: response.body, as: UTF8.self))")
        }
        let answer = try JSONDecoder().decode(JobView.self, from: Data(response.body))
        guard let done = await watch.next(after: position, timeout: 30, where: {
            $0.jobId == id && ($0.state == final || JobView.terminalStates.contains($0.state))
        }) else { throw BenchError("no \(final) event for \(id) within 30 s of \(action)") }
        guard done.state == final else { return nil }
        let ack = await watch.next(after: position, timeout: 0.01,
                                   where: { $0.jobId == id && $0.state == acknowledged })
        return Stop(answerMs: Double(answered - sent) / 1_000,
                    acknowledgedMs: ack.map { Double($0.receivedMicros - sent) / 1_000 },
                    stoppedMs: Double(done.receivedMicros - sent) / 1_000,
                    itemsAfter: max(0, done.processed - answer.progress.processed))
    }
}
