/// Journal failures that are not a single failed system call (those are `FileError`).
public enum JournalError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file exists but does not start with the journal header of a supported version. Nothing was truncated:
    /// this is someone else's file, or a newer format.
    case unrecognizedHeader(path: String)
    /// An append was refused because one payload is larger than `Configuration.maxRecordBytes`.
    case recordTooLarge(size: Int, limit: Int)
    /// Opening found a complete, checksum-valid frame larger than `Configuration.maxRecordBytes`. Nothing was
    /// truncated; reopen with a limit at least `length`.
    case storedRecordTooLarge(path: String, offset: Int, length: Int, limit: Int)
    /// The file no longer matches what was validated at open (changed by someone else, or failing storage).
    case changedSinceOpen(path: String, reason: String)
    /// An earlier write or sync failed, so what is on disk is unknown; reopen the journal to recover from it.
    /// why: after a failed fsync the kernel may drop the dirty pages and report success on the next fsync, so
    /// retrying in place could acknowledge data that is gone.
    case unusable(path: String, cause: FileError)
    /// The journal was closed.
    case closed(path: String)

    public var description: String {
        switch self {
        case .unrecognizedHeader(let path):
            return "\(path) is not a journal of a supported format"
        case .recordTooLarge(let size, let limit):
            return "record of \(size) bytes exceeds maxRecordBytes \(limit)"
        case .storedRecordTooLarge(let path, let offset, let length, let limit):
            return "\(path): valid record of \(length) bytes at offset \(offset) exceeds maxRecordBytes \(limit)"
        case .changedSinceOpen(let path, let reason):
            return "\(path) changed since it was opened: \(reason)"
        case .unusable(let path, let cause):
            return "\(path) is unusable after an earlier failure (\(cause)); reopen it"
        case .closed(let path):
            return "\(path) is closed"
        }
    }
}
