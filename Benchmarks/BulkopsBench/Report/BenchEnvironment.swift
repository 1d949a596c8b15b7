import Foundation
import Glibc

/// What the figures were measured on: they mean little without the machine, the load on it, and the code.
struct BenchEnvironment: Codable, Sendable {
    var cpuCount: Int
    var os: String
    var kernel: String
    var machine: String
    var memoryMiB: Int
    /// The 1-minute load average when the run started: other work on the machine skews the figures.
    var loadAverageAtStart: String
    var gitCommit: String?
    var benchBinary: String
    var serverBinary: String?
    var serverVersion: String?
    /// `local` (the harness started the server) or the `--url` given.
    var server: String
    var openFileLimit: Int

    static func collect(serverBinary: String?, server: String) async -> BenchEnvironment {
        var names = utsname()
        uname(&names)
        func field<T>(_ value: T) -> String {
            withUnsafeBytes(of: value) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
        }
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?
            .split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
        let own = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
        let commit = await ChildProcess.output(of: "git", ["rev-parse", "--short=12", "HEAD"])
        let dirty = await ChildProcess.output(of: "git", ["status", "--porcelain", "--untracked-files=no"])
        return BenchEnvironment(
            cpuCount: ProcessInfo.processInfo.activeProcessorCount,
            os: ProcessInfo.processInfo.operatingSystemVersionString, kernel: field(names.release),
            machine: field(names.machine), memoryMiB: Int(ProcessInfo.processInfo.physicalMemory / 1_048_576),
            loadAverageAtStart: load, gitCommit: commit.map { $0 + ((dirty ?? "").isEmpty ? "" : "+dirty") },
            benchBinary: own, serverBinary: serverBinary, serverVersion: nil, server: server,
            openFileLimit: FileLimit.current.soft)
    }
}
