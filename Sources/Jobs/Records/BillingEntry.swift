/// A bill for one medical record.
public struct BillingEntry: Codable, Sendable, Equatable {
    /// Where a bill is in its life.
    public enum Status: String, Codable, Sendable, CaseIterable {
        /// Waiting for payment.
        case open
        /// Settled.
        case paid
        /// Its record was deleted.
        case orphaned
    }

    public var id: String
    public var recordId: String
    public var patientId: String
    public var amount: Double
    public var status: Status
    public var createdAt: String
    /// The status to return to when the deleted record is restored.
    public var statusBeforeOrphaned: Status?
    public var deletedAt: String?

    public init(id: String, recordId: String, patientId: String, amount: Double, status: Status, createdAt: String,
                statusBeforeOrphaned: Status? = nil, deletedAt: String? = nil) {
        self.id = id
        self.recordId = recordId
        self.patientId = patientId
        self.amount = amount
        self.status = status
        self.createdAt = createdAt
        self.statusBeforeOrphaned = statusBeforeOrphaned
        self.deletedAt = deletedAt
    }

    /// The id of the bill of `recordId` (a record has at most one).
    public static func id(forRecord recordId: String) -> String { "bil_" + recordId.replacingOccurrences(of: "rec_", with: "") }
}

extension BillingEntry: PracticeEntity {
    public static let entity = "billing"
    public static let filterFields: Set<String> = ["status", "recordId", "patientId", "amount"]
    public static let dateField: String? = "createdAt"
    public static var table: WritableKeyPath<PracticeState, EntityTable<BillingEntry>> { \.billing }
    public static func put(_ rows: [BillingEntry]) -> PracticeChange { .putBilling(rows) }

    public func filterValues(_ field: String) -> [String] {
        switch field {
        case "status": [status.rawValue]
        case "recordId": [recordId]
        case "patientId": [patientId]
        case "amount": [filterText(amount)]
        default: []
        }
    }

    public var filterDate: String? { createdAt }

    public func searchText(in state: PracticeState) -> String {
        (id + " " + recordId + " " + (state.patients[patientId]?.name ?? "")).lowercased()
    }
}
