import Foundation
import Jobs
import Orchestrator
import Persistence
import Transport

/// The composition root of `bulkops serve`: opens the data directory, recovers jobs, serves HTTP and the stream,
/// and on SIGTERM/SIGINT stops in reverse order — no new requests, runners stopped at a chunk boundary with
/// their checkpoint, streams closed with 1001 — so the next start resumes every job.
public enum BulkOpsServer {
    public static let version = "0.1.0"

    /// Writes a line to standard output at once (tests and scripts read the port from it).
    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    static func log(_ line: String) {
        FileHandle.standardError.write(Data(("bulkops: " + line + "\n").utf8))
    }

    public static func run(_ configuration: ServerConfiguration) async throws -> Int32 {
        let signals = SignalWaiter()
        let data = configuration.dataDirectory
        let tokens = try await TokenStore.open(dataDirectory: data)
        let secretPath = data + "/admin.token"
        if let secret = try await tokens.createFirstAdmin(secretPath: secretPath) {
            say("bulkops: created the admin token (shown once; also in \(secretPath)):\n\(secret)")
        }
        let practice = try await PracticeStore.open(directory: data + "/practice")
        if configuration.demo, await practice.isEmpty {
            let added = try await DemoPractice.seed(into: practice)
            log("created the demo practice (\(added) rows)")
        }
        if configuration.benchRecords > 0 {
            let added = try await BenchData.seed(records: configuration.benchRecords, into: practice)
            if added > 0 { log("added \(added) bench records") }
        }
        var engine = JobSupervisor.Configuration()
        engine.maxConcurrentJobs = configuration.maxConcurrentJobs
        let supervisor = JobSupervisor(configuration: engine, store: FileJobStore(directory: data + "/jobs"),
                                       operations: JobCatalog.operations(store: practice, limits: configuration.limits,
                                                                         accountStatuses: configuration.accountStatuses),
                                       log: { log($0) })
        for problem in await supervisor.recover() { log("job \(problem.jobId) could not be recovered: \(problem.reason)") }

        let purgeAfter = configuration.purgeAfterDays * 86_400
        @Sendable func purge() async {
            do {
                let purged = try await practice.purge(deletedBefore: Date().addingTimeInterval(-purgeAfter))
                if purged > 0 { log("purged \(purged) soft-deleted rows older than \(configuration.purgeAfterDays) days") }
            } catch {
                log("could not purge soft-deleted rows: \(error)")
            }
        }
        await purge()
        let purger = Task {
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: 3_600_000_000_000)
                if !Task.isCancelled { await purge() }
            }
        }

        let shutdown = ShutdownFlag()
        var router = APIRouter(supervisor: supervisor, tokens: tokens, practice: practice, version: version,
                               startedAt: Date(), isShuttingDown: { shutdown.isSet })
        if configuration.rateLimit > 0 {
            router.rateLimiter = RequestRateLimiter(rate: configuration.rateLimit, burst: configuration.rateLimitBurst)
        }
        router.maxBodyBytes = configuration.maxRequestBodyBytes
        var stream = StreamSession.Configuration()
        stream.stalledTimeout = configuration.streamStallTimeout
        stream.highWaterBytes = configuration.streamHighWaterBytes
        let upgrades = StreamUpgrade(router: router, supervisor: supervisor, echo: configuration.webSocketEcho,
                                     allowedOrigins: configuration.allowedOrigins, version: version,
                                     streamConfiguration: stream)
        let frames = upgrades.frames
        // why: encoded once on the publisher's thread, before the event loops' batches want it at the same moment
        supervisor.broadcaster.setPreparation { _ = frames.frame(for: $0) }
        var http = HTTPServerConfiguration()
        // why: bodies between the API's limit and the transport's are read and refused in the API's JSON shape;
        // only far larger ones get the transport's bare 413
        http.maxBodySize = max(http.maxBodySize, configuration.maxRequestBodyBytes * 4)
        http.refusalResponse = { APIError.refusal(status: $0).response }
        http.socketSendBufferBytes = configuration.socketSendBufferBytes
        let descriptors = DescriptorLimit.raise(to: configuration.maxConnections + 1_024)
        // why: every connection is a descriptor, and the stores, journals and listeners need some too
        http.maxConnections = max(1, min(configuration.maxConnections, descriptors - 256))
        if http.maxConnections < configuration.maxConnections {
            log("open-file limit \(descriptors) allows \(http.maxConnections) connections, not \(configuration.maxConnections)")
        }
        if configuration.webSocketEcho {
            // why: the conformance suite echoes 16 MiB messages; the stream's own messages stay far smaller
            http.webSocket.maxOutboundBufferedBytes = max(http.webSocket.maxOutboundBufferedBytes,
                                                         2 * http.webSocket.maxMessageSize + 1_024)
        }
        let routerForServer = router
        let server = HTTPServer(configuration: http, handler: { await routerForServer.handle($0) },
                                upgradeHandler: { await upgrades.decide($0) })
        let port = try await server.start(host: configuration.host, port: configuration.port)
        let shownHost = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        say("bulkops \(version) listening on http://\(shownHost):\(port) (data: \(data))")

        let signal = await signals.wait()
        log("received signal \(signal); shutting down")
        shutdown.set()
        purger.cancel()
        // why: runners stop first, at their chunk boundary, so the work done equals what was checkpointed however
        // long the drain lasts
        await supervisor.shutdown()
        if configuration.drainSeconds > 0 {
            log("draining for \(configuration.drainSeconds) s: reads served, changes refused with 503")
            try? await Task.sleep(nanoseconds: UInt64(configuration.drainSeconds * 1_000_000_000))
        }
        await server.shutdown(closeCode: .goingAway)
        await practice.close()
        log("stopped; running jobs resume on the next start")
        return 0
    }
}
