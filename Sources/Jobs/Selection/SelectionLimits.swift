import Foundation

/// The largest selection each entity allows (configurable; the seed documents' defaults).
public struct SelectionLimits: Sendable, Equatable {
    public var byEntity: [String: Int] = [
        "records": 1_000, "appointments": 500, "clients": 5_000, "patients": 5_000, "accounts": 5_000,
        "recipients": 10_000,
    ]
    /// For entities not named above.
    public var fallback = 1_000

    public init() {}

    public func limit(for entity: String) -> Int { byEntity[entity] ?? fallback }

    /// Parses `records=1000000,appointments=800`.
    public mutating func apply(_ text: String) throws {
        for part in text.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, let value = Int(pair[1].trimmingCharacters(in: .whitespaces)), value > 0 else {
                throw SelectionLimitsError(text: String(part))
            }
            byEntity[pair[0].trimmingCharacters(in: .whitespaces)] = value
        }
    }
}

/// A limits setting that could not be read.
public struct SelectionLimitsError: Error, CustomStringConvertible {
    public var text: String
    public var description: String { "bad selection limit \"\(text)\": expected entity=positiveNumber" }
}
