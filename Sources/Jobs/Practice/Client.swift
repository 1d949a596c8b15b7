/// A pet owner (or, for a collections agency, a debtor's contact record).
public struct Client: Codable, Sendable, Equatable {
    /// How a client wants to be reached.
    public enum Contact: String, Codable, Sendable, CaseIterable {
        case email, sms, phone
    }

    public var id: String
    public var firstName: String
    public var lastName: String
    public var email: String
    public var phone: String
    public var address: String
    public var preferredContact: Contact
    public var smsOptIn: Bool
    public var emailOptIn: Bool
    public var engagementScore: Int
    public var createdAt: String
    public var deletedAt: String?

    public init(id: String, firstName: String, lastName: String, email: String, phone: String, address: String,
                preferredContact: Contact, smsOptIn: Bool, emailOptIn: Bool, engagementScore: Int, createdAt: String,
                deletedAt: String? = nil) {
        self.id = id
        self.firstName = firstName
        self.lastName = lastName
        self.email = email
        self.phone = phone
        self.address = address
        self.preferredContact = preferredContact
        self.smsOptIn = smsOptIn
        self.emailOptIn = emailOptIn
        self.engagementScore = engagementScore
        self.createdAt = createdAt
        self.deletedAt = deletedAt
    }
}

extension Client: PracticeEntity {
    public static let entity = "clients"
    public static let filterFields: Set<String> = ["firstName", "lastName", "email", "phone", "preferredContact",
                                                  "smsOptIn", "emailOptIn", "engagementScore"]
    public static let dateField: String? = "createdAt"
    public static var table: WritableKeyPath<PracticeState, EntityTable<Client>> { \.clients }
    public static func put(_ rows: [Client]) -> PracticeChange { .putClients(rows) }

    public func filterValues(_ field: String) -> [String] {
        switch field {
        case "firstName": [firstName]
        case "lastName": [lastName]
        case "email": [email]
        case "phone": [phone]
        case "preferredContact": [preferredContact.rawValue]
        case "smsOptIn": [smsOptIn ? "true" : "false"]
        case "emailOptIn": [emailOptIn ? "true" : "false"]
        case "engagementScore": [String(engagementScore)]
        default: []
        }
    }

    public var filterDate: String? { createdAt }

    public var fullName: String { firstName + " " + lastName }

    public func searchText(in state: PracticeState) -> String { (id + " " + fullName + " " + email).lowercased() }
}
