import Foundation
import Persistence

/// A test state whose changes are not idempotent (adding twice shows), so double replay is visible.
struct Tally: JournaledState, Equatable {
    enum Change: Codable, Sendable, Equatable {
        case add(String, Int)
        case remove(String)
    }

    var counts: [String: Int] = [:]
    var applied = 0

    init() {}

    mutating func apply(_ change: Change) {
        switch change {
        case .add(let key, let amount): counts[key, default: 0] += amount
        case .remove(let key): counts[key] = nil
        }
        applied += 1
    }

    static func encode(_ changes: [Change]) throws -> [UInt8] {
        [UInt8](try JSONEncoder().encode(changes))
    }

    static func decode(_ bytes: [UInt8]) throws -> [Change] {
        try JSONDecoder().decode([Change].self, from: Data(bytes))
    }
}
