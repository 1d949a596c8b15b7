import Foundation
import Glibc
import Synchronization

/// A `bulkops serve` that the harness starts itself on 127.0.0.1 with `--port 0` and a temporary data directory,
/// and may SIGKILL and start again on the same directory (the recovery scenario).
final class LocalServer: Sendable {
    /// One life of the process.
    struct Life: Sendable {
        let process: ChildProcess
        let port: Int
        /// From spawn to the "listening" line.
        let startSeconds: Double
    }

    let binary: String
    let dataDirectory: String
    let arguments: [String]
    private let keepData: Bool
    private let lives = Mutex<[Life]>([])

    init(binary: String, arguments: [String], keepData: Bool) throws(BenchError) {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw BenchError("no bulkops binary at \(binary); build it (swift build -c release --product bulkops) "
                             + "or pass --server-binary PATH")
        }
        self.binary = binary
        self.arguments = arguments
        self.keepData = keepData
        let root = NSTemporaryDirectory() + "bulkops-bench-" + String(UUID().uuidString.prefix(8))
        dataDirectory = root + "/data"
        try? FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    /// `bulkops` beside this executable, where SwiftPM puts both products.
    static var defaultBinary: String {
        let own = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        return own.deletingLastPathComponent().appendingPathComponent("bulkops").path
    }

    var current: Life? { lives.withLock { $0.last } }

    var pid: pid_t? { current.flatMap { $0.process.isRunning ? $0.process.pid : nil } }

    var adminToken: String {
        ((try? String(contentsOfFile: dataDirectory + "/admin.token", encoding: .utf8)) ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Starts the server and waits until it prints its port; seeding many bench records can take a while.
    func start(timeout: Double = 120) async throws -> Life {
        let number = lives.withLock { $0.count }
        let outputPath = (dataDirectory as NSString).deletingLastPathComponent + "/server-\(number).log"
        let startedAt = WallClock.seconds()
        let process = try ChildProcess.spawn(binary, ["serve", "--host", "127.0.0.1", "--port", "0",
                                                      "--data", dataDirectory] + arguments, outputPath: outputPath)
        let marker = "listening on http://127.0.0.1:"
        while WallClock.seconds() - startedAt < timeout {
            let text = process.output
            if let range = text.range(of: marker) {
                let digits = text[range.upperBound...].prefix { $0.isNumber }
                if let port = Int(digits) {
                    let life = Life(process: process, port: port, startSeconds: WallClock.seconds() - startedAt)
                    lives.withLock { $0.append(life) }
                    return life
                }
            }
            if !process.isRunning {
                throw BenchError("bulkops exited during start (status \(process.exitStatus ?? -1)):\n"
                                 + String(text.suffix(2_000)))
            }
            // why: the server reports its port only on stdout; a short poll keeps the restart measurement fine-grained
            try await Task.sleep(nanoseconds: 1_000_000)
        }
        process.signal(SIGKILL)
        throw BenchError("bulkops did not listen within \(Int(timeout)) s; log: \(outputPath)")
    }

    /// The crash: SIGKILL, and wait until the process is gone.
    func kill() async {
        guard let life = current else { return }
        life.process.signal(SIGKILL)
        _ = await life.process.waitForExit()
    }

    /// SIGTERM (the graceful shutdown), SIGKILL after `grace` seconds; returns the exit status.
    @discardableResult
    func stop(grace: Double = 15) async -> Int32? {
        guard let life = current else { return nil }
        life.process.signal(SIGTERM)
        if let status = await life.process.waitForExit(seconds: grace) { return status }
        life.process.signal(SIGKILL)
        return await life.process.waitForExit()
    }

    /// Removes the temporary directory unless `--keep-data` was given.
    func removeData() {
        guard !keepData else { return }
        try? FileManager.default.removeItem(atPath: (dataDirectory as NSString).deletingLastPathComponent)
    }
}
