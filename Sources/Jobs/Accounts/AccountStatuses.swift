/// The account statuses an agency works with (configurable: `--account-statuses`).
public struct AccountStatuses: Sendable, Equatable {
    /// A collections agency's usual set.
    public static let defaults = ["new", "active", "contacted", "promiseToPay", "paymentPlan", "disputed",
                                  "legal", "skipTrace", "settled", "paidInFull", "closed"]
    public var values: [String]

    public init(_ values: [String] = AccountStatuses.defaults) { self.values = values }

    public func contains(_ status: String) -> Bool { values.contains(status) }

    /// Parses `new,active,closed`.
    public static func parse(_ text: String) -> AccountStatuses? {
        let values = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return values.isEmpty ? nil : AccountStatuses(values)
    }
}
