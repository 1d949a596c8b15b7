import Foundation

/// Parses the command line, runs one scenario (or the comparison), prints the table, writes the JSON.
enum BenchCommand {
    /// A scenario as the command line knows it.
    struct Entry: Sendable {
        var name: String
        var summary: String
        var usage: String
        var run: @Sendable (CommandArguments) throws -> @Sendable (BenchContext) async throws -> Void
    }

    static let scenarios: [Entry] = [
        Entry(name: "throughput", summary: ThroughputScenario.summary, usage: ThroughputScenario.usage) { arguments in
            let options = try ThroughputScenario.Options(arguments)
            return { try await ThroughputScenario.run(options, $0) }
        },
        Entry(name: "fanout", summary: FanoutScenario.summary, usage: FanoutScenario.usage) { arguments in
            let options = try FanoutScenario.Options(arguments)
            return { try await FanoutScenario.run(options, $0) }
        },
        Entry(name: "connections", summary: ConnectionsScenario.summary,
              usage: ConnectionsScenario.usage) { arguments in
            let options = try ConnectionsScenario.Options(arguments)
            return { try await ConnectionsScenario.run(options, $0) }
        },
        Entry(name: "control", summary: ControlScenario.summary, usage: ControlScenario.usage) { arguments in
            let options = try ControlScenario.Options(arguments)
            return { try await ControlScenario.run(options, $0) }
        },
        Entry(name: "recovery", summary: RecoveryScenario.summary, usage: RecoveryScenario.usage) { arguments in
            let options = try RecoveryScenario.Options(arguments)
            return { try await RecoveryScenario.run(options, $0) }
        },
        Entry(name: "api", summary: APIScenario.summary, usage: APIScenario.usage) { arguments in
            let options = try APIScenario.Options(arguments)
            return { try await APIScenario.run(options, $0) }
        },
    ]

    static func main(_ arguments: [String], usage: String) async -> Int32 {
        do {
            return try await run(arguments, usage: usage)
        } catch let error as BenchError {
            FileHandle.standardError.write(Data(("bulkops-bench: \(error.description)\n").utf8))
            return error.exitCode
        } catch {
            FileHandle.standardError.write(Data(("bulkops-bench: \(error)\n").utf8))
            return 1
        }
    }

    private static func run(_ raw: [String], usage: String) async throws -> Int32 {
        if raw.first == "--compare" {
            guard raw.count == 3 else { throw BenchError("usage: bulkops-bench --compare A.json B.json", exitCode: 2) }
            print(ReportComparison.text(try BenchReport.read(raw[1]), try BenchReport.read(raw[2]),
                                        pathA: raw[1], pathB: raw[2]))
            return 0
        }
        let arguments = try CommandArguments(raw)
        if arguments.flag("help") || raw.isEmpty {
            print(usage)
            return raw.isEmpty ? 2 : 0
        }
        guard arguments.positional.count == 1,
              let entry = scenarios.first(where: { $0.name == arguments.positional[0] }) else {
            throw BenchError("name one scenario: \(scenarios.map(\.name).joined(separator: ", "))", exitCode: 2)
        }
        let remote: ServerTarget?
        if let url = arguments.string("url") {
            guard let token = arguments.string("token") else { throw BenchError("--url needs --token", exitCode: 2) }
            remote = try ServerTarget.remote(url: url, token: token)
        } else {
            remote = nil
        }
        let serverBinary = arguments.string("server-binary", default: LocalServer.defaultBinary)
        let maxSeconds = try arguments.double("max-seconds", default: 115, range: 1...86_400)
        let jsonPath = arguments.string("json")
        let progress = ProgressLine(quiet: arguments.flag("quiet"))
        let keepData = arguments.flag("keep-data")
        let body = try entry.run(arguments)
        let unused = arguments.unused
        guard unused.isEmpty else {
            throw BenchError("\(entry.name) does not know --\(unused.joined(separator: ", --"))", exitCode: 2)
        }
        let options = arguments.all

        let context = BenchContext(progress: progress, maxSeconds: maxSeconds, serverBinary: serverBinary,
                                   keepData: keepData, remote: remote)
        var environment = await BenchEnvironment.collect(
            serverBinary: remote == nil ? serverBinary : nil,
            server: remote.map { "\($0.host):\($0.port)" } ?? "local")
        let startedAt = Date()
        let started = WallClock.seconds()
        var failure: (any Error)?
        do {
            try await body(context)
        } catch {
            failure = error
        }
        progress.clear()
        await context.stopServers()
        environment.serverVersion = context.serverVersion
        let report = BenchReport(scenario: entry.name, startedAt: ISO8601DateFormatter().string(from: startedAt),
                                 seconds: WallClock.seconds() - started, environment: environment, options: options,
                                 figures: context.figures, checks: context.checks,
                                 notes: context.notes + (failure.map { ["the run failed: \($0)"] } ?? []))
        print(report.table)
        if let jsonPath {
            try report.write(to: jsonPath)
            progress.say("wrote \(jsonPath)")
        }
        if let failure { throw failure }
        return report.checks.contains { $0.kind == .correctness && !$0.passed } ? 3 : 0
    }
}
