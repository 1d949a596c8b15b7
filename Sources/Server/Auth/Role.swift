/// Who may do what: staff < manager < admin.
public enum Role: String, Codable, Sendable, Comparable, CaseIterable {
    /// Front desk, vets, collectors: create and control ordinary jobs.
    case staff
    /// Approves jobs and may hard-delete.
    case manager
    /// Manages tokens.
    case admin

    private var rank: Int {
        switch self {
        case .staff: 0
        case .manager: 1
        case .admin: 2
        }
    }

    public static func < (left: Role, right: Role) -> Bool { left.rank < right.rank }
}
