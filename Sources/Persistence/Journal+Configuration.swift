extension Journal {
    /// Limits and durability settings of a journal.
    public struct Configuration: Sendable {
        /// Largest payload one frame may carry; appends of larger payloads are refused, and on open a length
        /// field beyond it (that is not a complete valid frame) marks a corrupt tail. Default 64 MiB. At most
        /// `UInt32.max`, the largest length the frame header can hold.
        public var maxRecordBytes: Int
        /// Whether every `append` ends with `fdatasync`. Default true. With false, appends are durable only after
        /// `sync()`; use that for bulk loads that can be redone.
        public var syncOnAppend: Bool

        public init(maxRecordBytes: Int = 64 * 1024 * 1024, syncOnAppend: Bool = true) {
            self.maxRecordBytes = min(maxRecordBytes, Int(UInt32.max))
            self.syncOnAppend = syncOnAppend
        }
    }
}
