/// The rows of one entity by id, with their insertion order so that lists and selections are stable.
public struct EntityTable<Row: PracticeEntity>: Codable, Sendable {
    public private(set) var rows: [String: Row] = [:]
    public private(set) var order: [String] = []

    public init() {}

    public subscript(id: String) -> Row? { rows[id] }

    /// Runs `body` on the row without copying it (the dictionary's read accessor lends it), nil when absent.
    /// Copying a row retains each of its strings; on a chunk's hot path that was a fifth of the work.
    public func withRow<T>(_ id: String, _ body: (Row) throws -> T) rethrows -> T? {
        guard let index = rows.index(forKey: id) else { return nil }
        return try body(rows.values[index])
    }

    public var isEmpty: Bool { rows.isEmpty }
    public var count: Int { rows.count }

    /// Every row in insertion order, soft-deleted ones included.
    public var all: [Row] { order.compactMap { rows[$0] } }

    /// Inserts new rows at the end and replaces existing ones in place.
    public mutating func put(_ list: [Row]) {
        for row in list where rows.updateValue(row, forKey: row.id) == nil { order.append(row.id) }
    }

    /// Changes one row in place.
    public mutating func update(_ id: String, _ body: (inout Row) -> Void) {
        // why: in place through the dictionary's modify accessor, without copying the row (the setStatus hot path)
        if rows[id] != nil { body(&rows[id]!) }
    }

    /// Removes rows for good (hard delete, purge).
    public mutating func remove(_ ids: [String]) {
        var removed = Set<String>()
        for id in ids where rows.removeValue(forKey: id) != nil { removed.insert(id) }
        if !removed.isEmpty { order.removeAll { removed.contains($0) } }
    }
}
