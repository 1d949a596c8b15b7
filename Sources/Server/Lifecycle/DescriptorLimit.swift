import Glibc

/// The process's open-file limit: raised at start so that the configured number of connections can be held.
enum DescriptorLimit {
    /// Raises the soft limit towards `wanted` (never above the hard limit) and returns the limit in force.
    @discardableResult
    static func raise(to wanted: Int) -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
        let target = rlim_t(min(UInt64(wanted), UInt64(limit.rlim_max)))
        if limit.rlim_cur < target {
            limit.rlim_cur = target
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
            _ = getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        return Int(limit.rlim_cur)
    }
}
