extension JournaledStore {
    /// When a store compacts, and how its journal behaves.
    public struct Configuration: Sendable {
        /// Journal size (bytes, header included) at or past which a commit also writes a snapshot and empties the
        /// journal. Default 64 MiB: replay after a restart then reads at most about that much.
        public var compactAfterBytes: Int
        /// Settings of the journal file. Default `Journal.Configuration()`.
        public var journal: Journal.Configuration

        public init(compactAfterBytes: Int = 64 * 1024 * 1024, journal: Journal.Configuration = .init()) {
            self.compactAfterBytes = compactAfterBytes
            self.journal = journal
        }
    }
}
