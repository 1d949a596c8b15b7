/// A row of one of the practice store's entities: how lists and selections find it, filter it and search it.
public protocol PracticeEntity: Codable, Sendable, Equatable {
    /// The entity's name in the API (`records`, `appointments`, …).
    static var entity: String { get }
    /// Fields a list or selection may compare for equality (list fields such as tags match when they contain
    /// the value); `ids`, `from`, `to` and `q` are always allowed.
    static var filterFields: Set<String> { get }
    /// The field `from`/`to` compare; nil when the entity has no date.
    static var dateField: String? { get }
    /// Where the rows live in the state.
    static var table: WritableKeyPath<PracticeState, EntityTable<Self>> { get }
    /// The journaled change that inserts or replaces `rows`.
    static func put(_ rows: [Self]) -> PracticeChange

    var id: String { get }
    /// Set when soft-deleted: hidden from lists and selections, recoverable until purged.
    var deletedAt: String? { get set }
    /// The values of a filter field as text; several for list fields.
    func filterValues(_ field: String) -> [String]
    /// The value `from`/`to` compare.
    var filterDate: String? { get }
    /// Lower-cased text that `q` searches (names; for rows of a patient, the patient's and owner's names too).
    func searchText(in state: PracticeState) -> String
}

extension PracticeEntity {
    public static var dateField: String? { nil }
    public var filterDate: String? { nil }
}

/// Formats numbers for filters the way clients write them: `3` rather than `3.0`.
func filterText(_ value: Double) -> String {
    value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
}

/// Type-erases a row so any entity's list can be encoded.
public struct AnyEntity: Encodable, Sendable {
    public let base: any PracticeEntity
    public init(_ base: any PracticeEntity) { self.base = base }
    public func encode(to encoder: any Encoder) throws { try base.encode(to: encoder) }
}
