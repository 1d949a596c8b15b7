/// The content of `snapshot.json`: the state and the sequence number of the last journal frame it contains.
struct JournaledSnapshot<State: Codable>: Codable {
    /// The only snapshot format so far.
    static var currentFormat: Int { 1 }

    var format: Int
    var sequence: UInt64
    var state: State
}
