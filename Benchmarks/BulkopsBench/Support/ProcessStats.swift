import Glibc

/// Resident memory and CPU time of a process, read from `/proc/<pid>`: how the harness watches a local server
/// (and itself, since both share the machine's cores).
struct ProcessStats: Sendable {
    var residentBytes: Int
    var peakResidentBytes: Int
    var cpuSeconds: Double
    var threads: Int
    var openFiles: Int

    static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// Nil when the process is gone or `/proc` is unreadable.
    static func sample(pid: pid_t?) -> ProcessStats? {
        let base = pid.map { "/proc/\($0)" } ?? "/proc/self"
        guard let status = read(base + "/status"), let stat = read(base + "/stat") else { return nil }
        func kilobytes(_ field: String) -> Int {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }) else { return 0 }
            let number = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? ""
            return (Int(number) ?? 0) * 1024
        }
        // why: the command name in field 2 may contain spaces; the fields after its closing parenthesis are fixed
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state); utime is field 14, stime 15, num_threads 20
        guard fields.count > 17, let user = Double(fields[11]), let system = Double(fields[12]),
              let threads = Int(fields[17]) else { return nil }
        return ProcessStats(residentBytes: kilobytes("VmRSS"), peakResidentBytes: kilobytes("VmHWM"),
                            cpuSeconds: (user + system) / ticksPerSecond, threads: threads,
                            openFiles: countEntries(base + "/fd"))
    }

    private static func read(_ path: String) -> String? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            bytes += chunk[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func countEntries(_ path: String) -> Int {
        guard let directory = opendir(path) else { return 0 }
        defer { closedir(directory) }
        var count = 0
        while readdir(directory) != nil { count += 1 }
        return max(0, count - 2)
    }
}
