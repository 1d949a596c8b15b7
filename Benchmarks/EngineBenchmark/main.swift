import Foundation
import Jobs
import Orchestrator

// Engine benchmark: records.setStatus through the real engine with durable checkpoints on a temporary data
// directory, in-process (no HTTP), release mode. Prints median and spread and writes JSON.
//
//   swift run -c release bulkops-engine-bench [--items 100000,1000000] [--samples 5] [--warmup 1]
//       [--chunk 500] [--json FILE]

struct Options {
    var sizes = [100_000, 1_000_000]
    var samples = 5
    var warmup = 1
    var chunk = 500
    var json: String?

    init(_ arguments: [String]) {
        var index = 1
        func value() -> String {
            index += 1
            guard index < arguments.count else { fatalError("missing value for \(arguments[index - 1])") }
            return arguments[index]
        }
        while index < arguments.count {
            switch arguments[index] {
            case "--items": sizes = value().split(separator: ",").compactMap { Int($0) }
            case "--samples": samples = Int(value()) ?? samples
            case "--warmup": warmup = Int(value()) ?? warmup
            case "--chunk": chunk = Int(value()) ?? chunk
            case "--json": json = value()
            default: fatalError("unknown option \(arguments[index])")
            }
            index += 1
        }
    }
}

struct Engine {
    let directory: String
    let store: PracticeStore
    let supervisor: JobSupervisor

    static func make(records: Int) async throws -> Engine {
        let directory = NSTemporaryDirectory() + "bulkops-bench-" + UUID().uuidString
        let store = try await PracticeStore.open(directory: directory + "/practice")
        try await BenchData.seed(records: records, into: store)
        var limits = SelectionLimits()
        limits.byEntity["records"] = records
        var configuration = JobSupervisor.Configuration()
        configuration.maxConcurrentJobs = 4
        let supervisor = JobSupervisor(configuration: configuration, store: FileJobStore(directory: directory + "/jobs"),
                                       operations: JobCatalog.operations(store: store, limits: limits), log: { _ in })
        return Engine(directory: directory, store: store, supervisor: supervisor)
    }

    func remove() async {
        await store.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    func request(_ records: Int, chunk: Int, to: String = "finalized") -> JobRequest {
        JobRequest(kind: RecordStatusOperation.kind, selection: Selection(entity: "records", filter: ["status": "draft"]),
                   params: ["to": .string(to)], createdBy: "bench", confirm: RecordStatusOperation.finalizePhrase,
                   chunkSize: chunk)
    }
}

func waitFor(_ subscription: EventSubscription, job id: String, until done: (JobUpdate) -> Bool) async -> JobUpdate? {
    for await update in subscription where update.jobId == id {
        if done(update) { return update }
    }
    return nil
}

struct Summary: Codable {
    var name: String
    var unit: String
    var samples: [Double]
    var median: Double
    var min: Double
    var max: Double

    init(name: String, unit: String, samples: [Double]) {
        self.name = name
        self.unit = unit
        self.samples = samples
        let sorted = samples.sorted()
        median = sorted.isEmpty ? 0 : (sorted.count % 2 == 1 ? sorted[sorted.count / 2]
                                       : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2)
        min = sorted.first ?? 0
        max = sorted.last ?? 0
    }

    func line() -> String {
        let spread = median == 0 ? 0 : (max - min) / median * 100
        return String(format: "%-46@ median %12.1f %@  (min %.1f, max %.1f, spread %.0f%%, n=%d)",
                      name as NSString, median, unit as NSString, min, max, spread, samples.count)
    }
}

func throughput(records: Int, chunk: Int) async throws -> (run: Double, total: Double) {
    let engine = try await Engine.make(records: records)
    defer { Task { await engine.remove() } }
    let subscription = engine.supervisor.broadcaster.subscribe()
    let start = Date()
    let job = try await engine.supervisor.create(engine.request(records, chunk: chunk))
    guard let finished = await waitFor(subscription, job: job.id, until: { $0.kind == .finished }) else {
        throw JobError(.internalError, "no finished event")
    }
    let end = Date()
    guard finished.job.state == .succeeded, finished.job.progress.succeeded == records else {
        throw JobError(.internalError, "job ended \(finished.job.state) with \(finished.job.progress)")
    }
    let runSeconds = (finished.job.finishedAt ?? end).timeIntervalSince(finished.job.startedAt ?? start)
    subscription.close()
    await engine.remove()
    return (Double(records) / runSeconds, Double(records) / end.timeIntervalSince(start))
}

func stopLatency(records: Int, chunk: Int, cancel: Bool) async throws -> (seconds: Double, itemsAfter: Double) {
    let engine = try await Engine.make(records: records)
    let subscription = engine.supervisor.broadcaster.subscribe()
    let job = try await engine.supervisor.create(engine.request(records, chunk: chunk))
    _ = await waitFor(subscription, job: job.id) { $0.kind == .progress && $0.job.progress.processed >= records / 10 }
    let requestedAt = Date()
    let atRequest = await engine.supervisor.job(job.id)?.progress.processed ?? 0
    _ = cancel ? try await engine.supervisor.cancel(job.id) : try await engine.supervisor.pause(job.id)
    let target: JobState = cancel ? .cancelled : .paused
    let stopped = await waitFor(subscription, job: job.id) { $0.kind == .state && $0.job.state == target }
    let seconds = Date().timeIntervalSince(requestedAt)
    let after = (stopped?.job.progress.processed ?? 0) - atRequest
    subscription.close()
    await engine.remove()
    return (seconds, Double(after))
}

let options = Options(CommandLine.arguments)
var results: [Summary] = []
print("bulkops engine benchmark: \(ProcessInfo.processInfo.activeProcessorCount) cores, chunk \(options.chunk), "
      + "\(options.samples) samples after \(options.warmup) warm-up")
for size in options.sizes {
    var run: [Double] = []
    var total: [Double] = []
    for sample in 0..<(options.warmup + options.samples) {
        let result = try await throughput(records: size, chunk: options.chunk)
        if sample >= options.warmup {
            run.append(result.run)
            total.append(result.total)
        }
    }
    results.append(Summary(name: "records.setStatus \(size) items, run phase", unit: "items/s", samples: run))
    results.append(Summary(name: "records.setStatus \(size) items, create→finished", unit: "items/s", samples: total))
    print(results[results.count - 2].line())
    print(results[results.count - 1].line())
}
for cancel in [false, true] {
    var seconds: [Double] = []
    var items: [Double] = []
    for _ in 0..<options.samples {
        let result = try await stopLatency(records: 200_000, chunk: options.chunk, cancel: cancel)
        seconds.append(result.seconds * 1000)
        items.append(result.itemsAfter)
    }
    let name = cancel ? "cancel" : "pause"
    results.append(Summary(name: "\(name) request → \(name == "pause" ? "paused" : "cancelled")", unit: "ms", samples: seconds))
    results.append(Summary(name: "\(name): items processed after the request", unit: "items", samples: items))
    print(results[results.count - 2].line())
    print(results[results.count - 1].line())
}
if let path = options.json {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    let report: [String: String] = ["cores": "\(ProcessInfo.processInfo.activeProcessorCount)",
                                    "os": ProcessInfo.processInfo.operatingSystemVersionString,
                                    "chunkSize": "\(options.chunk)"]
    struct Report: Codable { var environment: [String: String]; var results: [Summary] }
    try encoder.encode(Report(environment: report, results: results)).write(to: URL(fileURLWithPath: path))
    print("wrote \(path)")
}
