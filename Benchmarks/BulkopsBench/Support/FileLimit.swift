import Glibc

/// The process's open-file limit. Ten thousand connections need more descriptors than the usual soft limit of
/// 1,024; the soft limit is raised to the hard one, and a server started afterwards inherits it.
enum FileLimit {
    static var current: (soft: Int, hard: Int) {
        var limit = rlimit()
        getrlimit(resource, &limit)
        return (clamp(limit.rlim_cur), clamp(limit.rlim_max))
    }

    /// Raises the soft limit to at least `wanted` (up to the hard limit); returns the new soft limit.
    @discardableResult
    static func raise(to wanted: Int) -> Int {
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return current.soft }
        let target = min(rlim_t(wanted), limit.rlim_max)
        if limit.rlim_cur < target {
            limit.rlim_cur = target
            setrlimit(resource, &limit)
        }
        return current.soft
    }

    private static var resource: __rlimit_resource_t { __rlimit_resource_t(RLIMIT_NOFILE.rawValue) }

    private static func clamp(_ value: rlim_t) -> Int { value > rlim_t(Int.max) ? Int.max : Int(value) }
}
