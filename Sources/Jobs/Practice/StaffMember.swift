/// A member of staff: vets own calendars and records, collectors work accounts, managers approve.
public struct StaffMember: Codable, Sendable, Equatable {
    /// What a member of staff does.
    public enum Role: String, Codable, Sendable, CaseIterable {
        /// A veterinarian.
        case vet
        /// A debt collector.
        case collector
        /// The practice manager.
        case manager
        /// Reception.
        case frontDesk
    }

    public var id: String
    public var name: String
    public var role: Role
    public var email: String
    public var deletedAt: String?

    public init(id: String, name: String, role: Role, email: String, deletedAt: String? = nil) {
        self.id = id
        self.name = name
        self.role = role
        self.email = email
        self.deletedAt = deletedAt
    }
}

extension StaffMember: PracticeEntity {
    public static let entity = "staff"
    public static let filterFields: Set<String> = ["role", "email", "name"]
    public static var table: WritableKeyPath<PracticeState, EntityTable<StaffMember>> { \.staff }
    public static func put(_ rows: [StaffMember]) -> PracticeChange { .putStaff(rows) }

    public func filterValues(_ field: String) -> [String] {
        switch field {
        case "role": [role.rawValue]
        case "email": [email]
        case "name": [name]
        default: []
        }
    }

    public func searchText(in state: PracticeState) -> String { (id + " " + name + " " + email).lowercased() }
}
