import Glibc

/// An open file descriptor and the path it was opened from (for error messages).
///
/// Thin on purpose: raw `pread`/`pwrite`/`fdatasync` without Foundation's `FileHandle`, with the short-write and
/// `EINTR` loops written once. The owner closes it exactly once.
struct FileDescriptor {
    let rawValue: Int32
    let path: String

    static func open(_ path: String, flags: Int32, mode: mode_t = 0o644) throws -> FileDescriptor {
        let descriptor = try SystemCall.retrying("open", path) { Glibc.open(path, flags | O_CLOEXEC, mode) }
        return FileDescriptor(rawValue: descriptor, path: path)
    }

    /// Writes every byte at `offset`, looping over short writes.
    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws {
        guard var next = bytes.baseAddress else { return }
        var remaining = bytes.count
        var position = offset
        while remaining > 0 {
            let written = try SystemCall.retrying("pwrite", path) {
                Glibc.pwrite(rawValue, next, remaining, off_t(position))
            }
            // why: a zero-byte pwrite for a non-zero count would loop forever; treat it like a full disk.
            if written == 0 { throw FileError(operation: "pwrite", path: path, errno: ENOSPC) }
            next += written
            remaining -= written
            position += written
        }
    }

    func write(_ bytes: [UInt8], at offset: Int) throws {
        try bytes.withUnsafeBytes { try write($0, at: offset) }
    }

    /// Reads `count` bytes at `offset`, or fewer when the file ends first.
    func read(count: Int, at offset: Int) throws -> [UInt8] {
        guard count > 0 else { return [] }
        var failure: (any Error)?
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = 0
            while initialized < count {
                let got: Int
                do {
                    got = try SystemCall.retrying("pread", path) {
                        Glibc.pread(rawValue, buffer.baseAddress! + initialized, count - initialized,
                                    off_t(offset + initialized))
                    }
                } catch {
                    failure = error
                    return
                }
                if got == 0 { return }
                initialized += got
            }
        }
        if let failure { throw failure }
        return bytes
    }

    /// The file's current size from `fstat`.
    func size() throws -> Int {
        var info = stat()
        _ = try SystemCall.retrying("fstat", path) { Glibc.fstat(rawValue, &info) }
        return Int(info.st_size)
    }

    func truncate(to length: Int) throws {
        _ = try SystemCall.retrying("ftruncate", path) { Glibc.ftruncate(rawValue, off_t(length)) }
    }

    /// `fsync`: data and all metadata.
    func sync() throws {
        _ = try SystemCall.retrying("fsync", path) { Glibc.fsync(rawValue) }
    }

    /// `fdatasync`: data plus the metadata needed to read it back (the size), which is all an append needs.
    func syncData() throws {
        _ = try SystemCall.retrying("fdatasync", path) { Glibc.fdatasync(rawValue) }
    }

    /// Closes the descriptor. Errors are ignored: on Linux the descriptor is released even when close fails, and
    /// every write that matters has been fsynced (and checked) before.
    func close() {
        _ = Glibc.close(rawValue)
    }
}
