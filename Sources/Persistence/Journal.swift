import Glibc

/// An append-only log of checksummed frames in one file.
///
/// Frames are `[u32 LE payload length][u32 LE CRC-32C][payload]` after an 8-byte file header (see
/// `JournalFormat`). Opening scans every frame; a torn or corrupt tail (short frame, bad length, bad checksum) is
/// truncated away and reported in `recovery`. Appends write all their frames with one `pwrite` loop and one
/// `fdatasync`, so a batch of payloads costs one disk flush (group commit).
///
/// Not thread-safe and blocking: own it from one actor that runs on a `BlockingIOExecutor`.
public final class Journal {
    /// The journal file.
    public let path: String
    public let configuration: Configuration
    /// What opening found and discarded.
    public private(set) var recovery: JournalRecovery
    /// The file's size: header plus all valid frames.
    public private(set) var sizeInBytes: Int

    private var file: FileDescriptor?
    private var failure: FileError?

    /// Opens or creates the journal at `path`, truncating a torn or corrupt tail (reported in `recovery`).
    public init(path: String, configuration: Configuration = .init()) throws {
        let file = try FileDescriptor.open(path, flags: O_RDWR | O_CREAT)
        do {
            (sizeInBytes, recovery) = try Self.recover(file, configuration: configuration)
        } catch {
            file.close()
            throw error
        }
        self.path = path
        self.configuration = configuration
        self.file = file
    }

    deinit {
        file?.close()
    }

    /// The payloads of all valid frames, in append order. Re-reads and re-verifies the file.
    public func readAll() throws -> [[UInt8]] {
        let file = try usableFile()
        let bytes = try file.read(count: sizeInBytes, at: 0)
        guard bytes.count == sizeInBytes, bytes.starts(with: JournalFormat.fileHeader) else {
            throw JournalError.changedSinceOpen(path: path, reason: "expected \(sizeInBytes) bytes")
        }
        var payloads: [[UInt8]] = []
        payloads.reserveCapacity(recovery.validRecords)
        let scan = bytes.withUnsafeBytes { raw in
            JournalFormat.scan(
                raw, from: JournalFormat.fileHeader.count, maxRecordBytes: configuration.maxRecordBytes
            ) { range in
                payloads.append(Array(raw[range]))
            }
        }
        if let reason = scan.reason { throw JournalError.changedSinceOpen(path: path, reason: reason) }
        return payloads
    }

    /// Appends one frame per payload with ONE write and (with `syncOnAppend`) ONE `fdatasync`.
    public func append(_ payloads: [[UInt8]]) throws {
        let file = try usableFile()
        guard !payloads.isEmpty else { return }
        var total = 0
        for payload in payloads {
            guard payload.count <= configuration.maxRecordBytes else {
                throw JournalError.recordTooLarge(size: payload.count, limit: configuration.maxRecordBytes)
            }
            total += JournalFormat.frameHeaderSize + payload.count
        }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(total)
        for payload in payloads { JournalFormat.appendFrame(payload, to: &buffer) }
        do {
            try file.write(buffer, at: sizeInBytes)
        } catch {
            // why: cut the partial frames off now so the file ends at the last acknowledged frame; if even
            // that fails, the tail is unknown and only a reopen (which rescans) can be trusted.
            do {
                try file.truncate(to: sizeInBytes)
            } catch {
                failure = error as? FileError ?? FileError(operation: "ftruncate", path: path, errno: EIO)
            }
            throw error
        }
        sizeInBytes += buffer.count
        if configuration.syncOnAppend { try syncData(file) }
    }

    /// Appends one frame; see `append(_:)` for a batch.
    public func append(_ payload: [UInt8]) throws {
        try append([payload])
    }

    /// Makes every appended frame durable; needed only with `syncOnAppend` false.
    public func sync() throws {
        try syncData(try usableFile())
    }

    /// Truncates the journal to no frames and fsyncs; called once a snapshot holds everything in it.
    public func reset() throws {
        let file = try usableFile()
        do {
            try file.truncate(to: JournalFormat.fileHeader.count)
            try file.sync()
        } catch let error as FileError {
            failure = error
            throw error
        }
        sizeInBytes = JournalFormat.fileHeader.count
    }

    /// Closes the file. Later calls throw `JournalError.closed`.
    public func close() {
        file?.close()
        file = nil
    }

    private func usableFile() throws -> FileDescriptor {
        guard let file else { throw JournalError.closed(path: path) }
        if let failure { throw JournalError.unusable(path: path, cause: failure) }
        return file
    }

    private func syncData(_ file: FileDescriptor) throws {
        do {
            try file.syncData()
        } catch let error as FileError {
            failure = error
            throw error
        }
    }

    /// Validates the header and frames of an open journal file, truncates any bad tail durably, and returns the
    /// valid size and what was found.
    private static func recover(
        _ file: FileDescriptor, configuration: Configuration
    ) throws -> (size: Int, recovery: JournalRecovery) {
        let header = JournalFormat.fileHeader
        let bytes = try file.read(count: try file.size(), at: 0)
        // why: a crash while creating the file can leave it empty, short, or zero-filled; that is a journal with
        // no frames, not a foreign file, so it gets a fresh header.
        let tornHeader = bytes.count <= header.count && bytes != header
            && (bytes.allSatisfy { $0 == 0 } || header.starts(with: bytes))
        if tornHeader {
            try file.truncate(to: 0)
            try file.write(header, at: 0)
            try file.sync()
            // why: the file may have just been created; its directory entry must be durable too.
            try SystemCall.syncDirectory(SystemCall.parentDirectory(of: file.path))
            let recovery = JournalRecovery(
                validRecords: 0, discardedBytes: bytes.count, reason: bytes.isEmpty ? nil : "torn file header"
            )
            return (header.count, recovery)
        }
        guard bytes.starts(with: header) else { throw JournalError.unrecognizedHeader(path: file.path) }
        let scan = bytes.withUnsafeBytes { raw in
            JournalFormat.scan(raw, from: header.count, maxRecordBytes: configuration.maxRecordBytes) { _ in }
        }
        if let oversized = scan.oversizedRecord {
            throw JournalError.storedRecordTooLarge(
                path: file.path, offset: oversized.offset, length: oversized.length,
                limit: configuration.maxRecordBytes
            )
        }
        if scan.validEnd < bytes.count {
            try file.truncate(to: scan.validEnd)
            try file.sync()
        }
        let recovery = JournalRecovery(
            validRecords: scan.records, discardedBytes: bytes.count - scan.validEnd, reason: scan.reason
        )
        return (scan.validEnd, recovery)
    }
}

// why: a journal is owned by one actor; say so, so nobody adds `@unchecked Sendable` to pass it around.
@available(*, unavailable)
extension Journal: Sendable {}
