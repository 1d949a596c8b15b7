import Glibc

/// The path-based system calls of the module, in one place: each retries `EINTR` and turns `-1` into a
/// `FileError` that carries the call's name, the path and `errno`. Descriptor-based calls live on
/// `FileDescriptor`.
enum SystemCall {
    /// Runs `call` until it returns something other than `-1` with `EINTR`.
    @inline(__always)
    static func retrying<Result: BinaryInteger>(
        _ operation: String, _ path: String, _ call: () -> Result
    ) throws -> Result {
        while true {
            let result = call()
            if result != -1 { return result }
            let code = errno
            if code == EINTR { continue }
            throw FileError(operation: operation, path: path, errno: code)
        }
    }

    static func rename(_ source: String, to destination: String) throws {
        _ = try retrying("rename", destination) { Glibc.rename(source, destination) }
    }

    /// Removes a file; a file that is already gone is not an error.
    static func unlinkIfPresent(_ path: String) throws {
        do {
            _ = try retrying("unlink", path) { Glibc.unlink(path) }
        } catch let error as FileError where error.errno == ENOENT {
            return
        }
    }

    /// Creates one directory level. Returns false when it already exists as a directory.
    static func makeDirectory(_ path: String, mode: mode_t = 0o755) throws -> Bool {
        do {
            _ = try retrying("mkdir", path) { Glibc.mkdir(path, mode) }
            return true
        } catch let error as FileError where error.errno == EEXIST {
            guard isDirectory(path) else { throw FileError(operation: "mkdir", path: path, errno: ENOTDIR) }
            return false
        }
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        return (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// The names in a directory, without "." and "..".
    static func directoryEntries(_ path: String) throws -> [String] {
        guard let directory = opendir(path) else { throw FileError(operation: "opendir", path: path, errno: errno) }
        defer { closedir(directory) }
        var names: [String] = []
        while true {
            errno = 0
            guard let entry = readdir(directory) else {
                if errno != 0 { throw FileError(operation: "readdir", path: path, errno: errno) }
                return names
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
    }

    /// Makes a directory's entries (a created, renamed or removed file) durable.
    static func syncDirectory(_ path: String) throws {
        let directory = try FileDescriptor.open(path, flags: O_RDONLY | O_DIRECTORY)
        defer { directory.close() }
        try directory.sync()
    }

    /// The directory that holds `path`, as used for the directory fsync after a rename.
    static func parentDirectory(of path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "." }
        if slash == trimmed.startIndex { return "/" }
        return String(trimmed[..<slash])
    }
}
