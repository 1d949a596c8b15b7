/// Reasons a `JournaledStore` refuses to open: its files are readable but say something impossible.
///
/// A torn journal tail is not one of them: that is expected after a crash, is truncated, and is reported in
/// `JournaledStore.recovery`.
public enum JournaledStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `snapshot.json` exists but cannot be decoded.
    case corruptSnapshot(path: String, reason: String)
    /// The journal frame at `index` (0-based, among the valid frames) passed its checksum but cannot be used:
    /// it does not decode, or its sequence number does not follow the snapshot or the frame before it.
    case corruptRecord(index: Int, reason: String)

    public var description: String {
        switch self {
        case .corruptSnapshot(let path, let reason):
            return "corrupt snapshot \(path): \(reason)"
        case .corruptRecord(let index, let reason):
            return "corrupt journal record \(index): \(reason)"
        }
    }
}
