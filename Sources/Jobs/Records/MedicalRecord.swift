/// A medical record (SOAP notes) of one visit; a finalized record is locked against edits.
public struct MedicalRecord: Codable, Sendable, Equatable {
    /// Where a record is in its life.
    public enum Status: String, Codable, Sendable, CaseIterable {
        /// Editable.
        case draft
        /// Locked and ready for billing; never goes back to draft.
        case finalized
        /// Kept for the record only.
        case archived
    }

    public var id: String
    public var patientId: String
    public var vetId: String
    /// RFC 3339 time of the visit.
    public var date: String
    public var template: String
    public var status: Status
    public var tags: [String]
    public var subjective: String
    public var objective: String
    public var assessment: String
    public var plan: String
    public var billed: Bool
    public var deletedAt: String?

    public init(id: String, patientId: String, vetId: String, date: String, template: String, status: Status,
                tags: [String] = [], subjective: String = "", objective: String = "", assessment: String = "",
                plan: String = "", billed: Bool = false, deletedAt: String? = nil) {
        self.id = id
        self.patientId = patientId
        self.vetId = vetId
        self.date = date
        self.template = template
        self.status = status
        self.tags = tags
        self.subjective = subjective
        self.objective = objective
        self.assessment = assessment
        self.plan = plan
        self.billed = billed
        self.deletedAt = deletedAt
    }
}
