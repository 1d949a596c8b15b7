import Foundation

/// Carries a non-Sendable value across an executor hop when the caller knows it is not shared.
struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
