import Foundation
import Testing

/// Runs the built `bulkops-bench` binary: a tiny run of every scenario against the `bulkops` the other server tests
/// use, reading back its `--json` report. The figures are checked for presence and sanity (positive, finite,
/// p50 ≤ p99, counts that match), never for their size: that depends on the machine.
@Suite struct BenchHarnessTests {
    /// The harness's report, as far as these tests read it.
    struct Report: Decodable {
        struct Figure: Decodable {
            var key: String
            var samples: [Double]
            var median: Double
            var min: Double
            var max: Double
        }

        struct Check: Decodable {
            var kind: String
            var name: String
            var passed: Bool
            var detail: String
        }

        struct Environment: Decodable {
            var cpuCount: Int
            var os: String
        }

        var scenario: String
        var figures: [Figure]
        var checks: [Check]
        var environment: Environment
        var notes: [String]

        func figure(_ key: String) -> Figure? { figures.first { $0.key == key } }

        func median(_ key: String) throws -> Double {
            try #require(figure(key), "no figure \(key) in \(figures.map(\.key))").median
        }
    }

    /// The built `bulkops-bench`: `BULKOPS_BENCH_BINARY`, or beside the test bundle (where SwiftPM puts it).
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["BULKOPS_BENCH_BINARY"] { return path }
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = url.appendingPathComponent("bulkops-bench").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            url = url.deletingLastPathComponent()
        }
        return FileManager.default.currentDirectoryPath + "/.build/debug/bulkops-bench"
    }

    /// Runs the harness and returns its exit status and combined output.
    static func runBench(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let outputPath = ServerProcess.temporaryDirectory("bench") + ".out"
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning, Date() < deadline { try await Task.sleep(nanoseconds: 20_000_000) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        try? output.close()
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return (process.terminationStatus, text)
    }

    /// Runs one scenario with `--json` and checks what every report must satisfy.
    static func run(_ scenario: String, _ options: [String]) async throws -> Report {
        let json = ServerProcess.temporaryDirectory("bench") + "/\(scenario).json"
        let (status, output) = try await runBench([scenario] + options + ["--server-binary", ServerProcess.binary,
                                                                          "--json", json, "--quiet",
                                                                          "--max-seconds", "45"])
        #expect(status == 0, "bulkops-bench \(scenario) exited \(status):\n\(output)")
        let data = try Data(contentsOf: URL(fileURLWithPath: json))
        let report = try JSONDecoder().decode(Report.self, from: data)
        #expect(report.scenario == scenario)
        #expect(report.environment.cpuCount > 0)
        #expect(!report.environment.os.isEmpty)
        #expect(!report.figures.isEmpty)
        for figure in report.figures {
            #expect(!figure.samples.isEmpty, "\(figure.key) has no samples")
            #expect(figure.samples.allSatisfy { $0.isFinite && $0 >= 0 }, "\(figure.key): \(figure.samples)")
            #expect(figure.min <= figure.median && figure.median <= figure.max, "\(figure.key) median out of range")
        }
        for check in report.checks where check.kind == "correctness" {
            #expect(check.passed, "\(scenario): \(check.name) — \(check.detail)")
        }
        #expect(output.contains("median"), "no table printed:\n\(output)")
        return report
    }

    @Test func throughput() async throws {
        let report = try await Self.run("throughput", ["--jobs", "2", "--items", "200", "--samples", "1",
                                                       "--warmup", "0"])
        #expect(try report.median("throughput.itemsPerSecond") > 0)
        #expect(try report.median("throughput.jobLatency") > 0)
        #expect(report.figure("throughput.jobLatency")?.samples.count == 2)
    }

    @Test func fanout() async throws {
        let report = try await Self.run("fanout", ["--dashboards", "8", "--jobs", "2", "--rate", "10",
                                                   "--warmup", "0.3", "--samples", "1", "--duration", "1"])
        #expect(try report.median("fanout.eventsPerSecond") > 0)
        #expect(try report.median("fanout.handshakeRate") > 0)
        #expect(try report.median("fanout.latency.p50") <= report.median("fanout.latency.p99"))
        #expect(try report.median("fanout.latency.p99") <= report.median("fanout.latency.p999"))
        #expect(try report.median("fanout.serverRSS") > 0)
        #expect(report.checks.contains { $0.name.contains("exactly once") && $0.passed })
        // the kernel's receipt comes no later than the harness's handler, and a fan-out spreads over time
        #expect(try report.median("fanout.latency.p50") <= report.median("fanout.handlerLatency.p50") + 0.05)
        #expect(try report.median("fanout.spread.p50") <= report.median("fanout.spread.p99"))
        #expect(try report.median("fanout.firstReceipt.p99") >= 0)
    }

    @Test func connections() async throws {
        let report = try await Self.run("connections", ["--connections", "60", "--hold", "0.3"])
        #expect(try report.median("connections.opened") == 60)
        #expect(try report.median("connections.held") == 60)
        #expect(try report.median("connections.serverRSS") > 0)
        #expect(try report.median("connections.handshake.p50") <= report.median("connections.handshake.p99"))
    }

    @Test func control() async throws {
        let report = try await Self.run("control", ["--samples", "1", "--warmup", "0", "--items", "40000",
                                                    "--chunk", "100", "--rate", "40000"])
        #expect(try report.median("control.pause.stopped") > 0)
        #expect(try report.median("control.cancel.stopped") > 0)
        #expect(try report.median("control.pause.itemsAfter") <= 100)
        #expect(try report.median("control.cancel.itemsAfter") <= 100)
    }

    @Test func recovery() async throws {
        let report = try await Self.run("recovery", ["--jobs", "2", "--items", "1000", "--kills", "1",
                                                     "--rate", "2000", "--chunk", "50"])
        #expect(try report.median("recovery.kills") == 1)
        #expect(try report.median("recovery.listening") > 0)
        #expect(try report.median("recovery.listening") <= report.median("recovery.running"))
        #expect(report.checks.filter { $0.kind == "correctness" }.count == 4)
    }

    @Test func api() async throws {
        let report = try await Self.run("api", ["--concurrency", "4", "--duration", "0.3", "--samples", "1",
                                                "--warmup", "0", "--creates", "12"])
        #expect(try report.median("api.get.rate") > 0)
        #expect(try report.median("api.get.p50") <= report.median("api.get.p99"))
        #expect(try report.median("api.create.rate") > 0)
        #expect(try report.median("api.create.p50") <= report.median("api.create.p99"))
    }

    @Test func compareAndUsage() async throws {
        let directory = ServerProcess.temporaryDirectory("bench")
        let report = """
            {"tool":"bulkops-bench","formatVersion":1,"scenario":"api","startedAt":"2026-11-28T00:00:00Z","seconds":1,
             "environment":{"cpuCount":2,"os":"Linux","kernel":"6","machine":"x86_64","memoryMiB":1,
                            "loadAverageAtStart":"0","benchBinary":"b","server":"local","openFileLimit":1024},
             "options":{},"checks":[],"notes":[],
             "figures":[{"key":"api.get.rate","name":"GET rate","unit":"req/s","better":"higher",
                         "samples":[MEDIAN],"median":MEDIAN,"min":MEDIAN,"max":MEDIAN}]}
            """
        for (name, median) in [("a", "100"), ("b", "150")] {
            try report.replacingOccurrences(of: "MEDIAN", with: median)
                .write(toFile: directory + "/\(name).json", atomically: true, encoding: .utf8)
        }
        let compared = try await Self.runBench(["--compare", directory + "/a.json", directory + "/b.json"])
        #expect(compared.status == 0, "\(compared.output)")
        #expect(compared.output.contains("1.50×") && compared.output.contains("better"), "\(compared.output)")

        let unknown = try await Self.runBench(["api", "--no-such-option", "1"])
        #expect(unknown.status == 2, "\(unknown.output)")
        #expect(unknown.output.contains("no-such-option"))
    }
}
