extension MedicalRecord: PracticeEntity {
    public static let entity = "records"
    public static let filterFields: Set<String> = ["status", "vetId", "patientId", "template", "tag", "tags", "billed"]
    public static let dateField: String? = "date"
    public static var table: WritableKeyPath<PracticeState, EntityTable<MedicalRecord>> { \.records }
    public static func put(_ rows: [MedicalRecord]) -> PracticeChange { .putRecords(rows) }

    public func filterValues(_ field: String) -> [String] {
        switch field {
        case "status": [status.rawValue]
        case "vetId": [vetId]
        case "patientId": [patientId]
        case "template": [template]
        case "tag", "tags": tags
        case "billed": [billed ? "true" : "false"]
        default: []
        }
    }

    public var filterDate: String? { date }

    /// Finalized and archived records are locked against edits.
    public var isLocked: Bool { status != .draft }

    public func searchText(in state: PracticeState) -> String {
        var text = id + " " + template + " " + assessment
        if let patient = state.patients[patientId] {
            text += " " + patient.name
            if let client = state.clients[patient.clientId] { text += " " + client.firstName + " " + client.lastName }
        }
        return text.lowercased()
    }
}
