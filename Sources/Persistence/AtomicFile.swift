import Foundation
import Glibc

/// Whole-file writes that are all-or-nothing across crashes, and the matching reads.
///
/// A write goes to `<path>.tmp-<random>`, is fsynced, renamed over `path`, and then the directory is fsynced so the
/// rename itself survives a power loss. A reader therefore sees the old content or the new, never a mix.
public enum AtomicFile {
    /// The infix of temporary file names, `<path><temporaryInfix><16 hex digits>`.
    public static let temporaryInfix = ".tmp-"

    /// Replaces the content of `path` with `bytes` atomically and durably; `mode` applies from the first byte
    /// (0o600 for secrets, which must never be readable by others, not even briefly).
    public static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644) throws {
        try bytes.withUnsafeBytes { try write($0, to: path, mode: mode) }
    }

    /// Replaces the content of `path` with `data` atomically and durably.
    public static func write(_ data: Data, to path: String) throws {
        try data.withUnsafeBytes { try write($0, to: path) }
    }

    /// Replaces the content of `path` with `bytes` atomically and durably.
    public static func write(_ bytes: UnsafeRawBufferPointer, to path: String, mode: mode_t = 0o644) throws {
        let temporary = path + temporaryInfix + String(UInt64.random(in: .min ... .max), radix: 16)
        // why: O_EXCL so two writers racing on one path never share a temporary file.
        let file = try FileDescriptor.open(temporary, flags: O_WRONLY | O_CREAT | O_EXCL, mode: mode)
        do {
            try file.write(bytes, at: 0)
            try file.sync()
            file.close()
            try SystemCall.rename(temporary, to: path)
        } catch {
            file.close()
            try? SystemCall.unlinkIfPresent(temporary)
            throw error
        }
        try SystemCall.syncDirectory(SystemCall.parentDirectory(of: path))
    }

    /// The whole content of `path`, or nil when the file does not exist.
    public static func read(_ path: String) throws -> Data? {
        guard let bytes = try readBytes(path) else { return nil }
        return Data(bytes)
    }

    /// The whole content of `path` as bytes, or nil when the file does not exist.
    public static func readBytes(_ path: String) throws -> [UInt8]? {
        let file: FileDescriptor
        do {
            file = try FileDescriptor.open(path, flags: O_RDONLY)
        } catch let error as FileError where error.errno == ENOENT {
            return nil
        }
        defer { file.close() }
        var bytes = try file.read(count: try file.size(), at: 0)
        // why: the file may grow between fstat and pread; keep reading until a read comes back short.
        while true {
            let more = try file.read(count: 64 * 1024, at: bytes.count)
            if more.isEmpty { return bytes }
            bytes += more
        }
    }

    /// `mkdir -p`: creates `path` and any missing parents, fsyncing the parent of each directory it creates.
    public static func createDirectory(_ path: String) throws {
        let components = path.split(separator: "/", omittingEmptySubsequences: true)
        var current = path.hasPrefix("/") ? "" : "."
        for component in components {
            current += "/" + component
            if try SystemCall.makeDirectory(current) {
                try SystemCall.syncDirectory(SystemCall.parentDirectory(of: current))
            }
        }
    }

    /// Removes temporary files a crashed `write(_:to:)` left beside `path`. Returns how many it removed.
    @discardableResult
    public static func removeStaleTemporaryFiles(for path: String) throws -> Int {
        let directory = SystemCall.parentDirectory(of: path)
        let prefix = String(path.split(separator: "/").last ?? "") + temporaryInfix
        let names = try SystemCall.directoryEntries(directory)
        var removed = 0
        for name in names where name.hasPrefix(prefix) {
            try SystemCall.unlinkIfPresent(directory + "/" + name)
            removed += 1
        }
        if removed > 0 { try SystemCall.syncDirectory(directory) }
        return removed
    }
}
