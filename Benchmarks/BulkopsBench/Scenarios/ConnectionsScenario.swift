import Foundation

/// `connections`: opens C idle stream connections (hello received, nothing subscribed), holds them for `--hold`
/// seconds while sampling the server's RSS, checks that every one is still open, and closes them. Both processes
/// need more descriptors than the usual soft limit: the harness raises its own, and the server it starts inherits it.
enum ConnectionsScenario {
    static let summary = "hold C idle stream connections; server RSS, per-connection memory, handshake rate"
    static let usage = """
      connections --connections 10000 [--hold 10] [--in-flight 128] [--subscribe]
    """

    struct Options: Sendable {
        var connections: Int
        var hold: Double
        var inFlight: Int
        var subscribe: Bool

        init(_ arguments: CommandArguments) throws(BenchError) {
            connections = try arguments.int("connections", default: 10_000, range: 1...60_000)
            hold = try arguments.double("hold", default: 10, range: 0...3_600)
            inFlight = try arguments.int("in-flight", default: 128, range: 1...10_000)
            subscribe = arguments.flag("subscribe")
        }
    }

    static func run(_ options: Options, _ context: BenchContext) async throws {
        let wanted = options.connections + 1_024
        let limit = FileLimit.raise(to: wanted)
        if limit < wanted {
            context.note("open-file limit is \(limit) (hard \(FileLimit.current.hard)); "
                         + "\(options.connections) connections need about \(wanted) in each process")
        }
        let target = try await context.server(benchRecords: 0, selectionLimit: 1_000)
        let pid = target.local?.pid
        // why: let the freshly started server settle so the baseline is not taken mid-initialisation
        try await Task.sleep(nanoseconds: 300_000_000)
        let before = ProcessStats.sample(pid: pid)

        let deadline = min(WallClock.seconds() + 90, context.deadline - options.hold - 10)
        let fleet = await StreamFleet.open(options.connections, to: target, inFlight: options.inFlight,
                                           deadline: deadline, progress: context.progress)
        let opened = fleet.connections.count
        context.add(Figure("connections.opened", "stream connections opened", unit: "conn", better: .higher,
                           value: Double(opened)))
        context.add(Figure("connections.handshakeRate", "stream handshakes/s (\(options.inFlight) in flight)",
                           unit: "conn/s", better: .higher, value: fleet.rate))
        context.add(Figure("connections.handshake.p50", "handshake p50 (TCP connect → 101)", unit: "ms",
                           better: .lower, value: Double(fleet.handshakes.percentile(0.5)) / 1_000))
        context.add(Figure("connections.handshake.p99", "handshake p99", unit: "ms", better: .lower,
                           value: Double(fleet.handshakes.percentile(0.99)) / 1_000))
        if let first = fleet.firstFailure {
            context.note("\(fleet.failures) connections failed; the first: \(first)")
        }
        if options.subscribe {
            for connection in fleet.connections { try? connection.subscribe(["*"]) }
        }

        // Hold, sampling the server once a second.
        var samples: [Double] = []
        let holdStart = WallClock.seconds()
        repeat {
            if let stats = ProcessStats.sample(pid: pid) { samples.append(Double(stats.residentBytes) / 1_048_576) }
            let left = options.hold - (WallClock.seconds() - holdStart)
            context.progress.update("holding \(opened) connections, \(Int(max(0, left))) s left")
            if left <= 0 { break }
            try await Task.sleep(nanoseconds: UInt64(min(1, left) * 1e9))
        } while true
        let held = ProcessStats.sample(pid: pid)
        let clientHeld = ProcessStats.sample(pid: nil)
        let stillOpen = fleet.connections.filter { $0.socket.closeInfo == nil }.count
        context.add(Figure("connections.held", "connections still open after \(FanoutScenario.fmt(options.hold)) s",
                           unit: "conn", better: .higher, value: Double(stillOpen)))
        if let before, let held {
            let rss = Double(held.residentBytes) / 1_048_576
            context.add(Figure("connections.serverRSSBefore", "server RSS before connecting", unit: "MiB",
                               better: .lower, value: Double(before.residentBytes) / 1_048_576))
            context.add(Figure("connections.serverRSS", "server RSS holding \(stillOpen) connections", unit: "MiB",
                               better: .lower, samples: samples.isEmpty ? [rss] : samples))
            context.add(Figure("connections.serverPeakRSS", "server peak RSS (VmHWM)", unit: "MiB", better: .lower,
                               value: Double(held.peakResidentBytes) / 1_048_576))
            if opened > 0 {
                context.add(Figure("connections.serverPerConnection", "server RSS per connection", unit: "KiB",
                                   better: .lower,
                                   value: Double(held.residentBytes - before.residentBytes) / 1_024 / Double(opened)))
            }
            context.add(Figure("connections.serverThreads", "server threads", unit: "threads", better: .lower,
                               value: Double(held.threads)))
            context.add(Figure("connections.serverFiles", "server open descriptors", unit: "fds",
                               value: Double(held.openFiles)))
            if options.connections >= 10_000 {
                context.add(.target("10,000 connections held under 150 MiB RSS", stillOpen >= 10_000 && rss < 150,
                                    String(format: "%d held, RSS %.1f MiB (peak %.1f MiB)", stillOpen, rss,
                                           Double(held.peakResidentBytes) / 1_048_576)))
            }
        }
        if let clientHeld {
            context.add(Figure("connections.clientRSS", "harness RSS holding the client side", unit: "MiB",
                               value: Double(clientHeld.residentBytes) / 1_048_576))
        }
        context.add(.target("the server held every connection", stillOpen == options.connections,
                            "\(stillOpen) of \(options.connections) open at the end of the hold"))

        context.progress.update("closing \(opened) connections")
        let closeStart = WallClock.seconds()
        await withTaskGroup(of: Void.self) { group in
            for connection in fleet.connections { group.addTask { await connection.close() } }
        }
        context.add(Figure("connections.closeAll", "closing every connection (close handshakes)", unit: "s",
                           better: .lower, value: WallClock.seconds() - closeStart))
        try await Task.sleep(nanoseconds: 500_000_000)
        if let after = ProcessStats.sample(pid: pid) {
            context.add(Figure("connections.serverRSSAfterClose", "server RSS after closing them", unit: "MiB",
                               better: .lower, value: Double(after.residentBytes) / 1_048_576))
        }
    }
}
