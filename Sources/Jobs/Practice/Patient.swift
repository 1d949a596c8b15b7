/// A pet, owned by a client.
public struct Patient: Codable, Sendable, Equatable {
    public var id: String
    public var clientId: String
    public var name: String
    /// `dog`, `cat`, `bird`, `rabbit`, `reptile`, `exotic` or `other`.
    public var species: String
    public var breed: String
    public var dateOfBirth: String?
    public var weightKg: Double?
    public var gender: String
    public var microchip: String?
    public var allergies: [String]
    public var conditions: [String]
    public var medications: [String]
    public var lastVisitAt: String?
    public var nextVaccinationDue: String?
    public var deletedAt: String?

    public static let species = ["dog", "cat", "bird", "rabbit", "reptile", "exotic", "other"]

    public init(id: String, clientId: String, name: String, species: String, breed: String, dateOfBirth: String?,
                weightKg: Double?, gender: String, microchip: String?, allergies: [String] = [],
                conditions: [String] = [], medications: [String] = [], lastVisitAt: String? = nil,
                nextVaccinationDue: String? = nil, deletedAt: String? = nil) {
        self.id = id
        self.clientId = clientId
        self.name = name
        self.species = species
        self.breed = breed
        self.dateOfBirth = dateOfBirth
        self.weightKg = weightKg
        self.gender = gender
        self.microchip = microchip
        self.allergies = allergies
        self.conditions = conditions
        self.medications = medications
        self.lastVisitAt = lastVisitAt
        self.nextVaccinationDue = nextVaccinationDue
        self.deletedAt = deletedAt
    }
}

extension Patient: PracticeEntity {
    public static let entity = "patients"
    public static let filterFields: Set<String> = ["clientId", "name", "species", "breed", "gender", "microchip",
                                                  "allergy", "allergies", "condition", "conditions", "medication",
                                                  "medications", "nextVaccinationDue"]
    public static let dateField: String? = "lastVisitAt"
    public static var table: WritableKeyPath<PracticeState, EntityTable<Patient>> { \.patients }
    public static func put(_ rows: [Patient]) -> PracticeChange { .putPatients(rows) }

    public func filterValues(_ field: String) -> [String] {
        switch field {
        case "clientId": [clientId]
        case "name": [name]
        case "species": [species]
        case "breed": [breed]
        case "gender": [gender]
        case "microchip": microchip.map { [$0] } ?? []
        case "allergy", "allergies": allergies
        case "condition", "conditions": conditions
        case "medication", "medications": medications
        case "nextVaccinationDue": nextVaccinationDue.map { [$0] } ?? []
        default: []
        }
    }

    public var filterDate: String? { lastVisitAt }

    public func searchText(in state: PracticeState) -> String {
        var text = id + " " + name
        if let client = state.clients[clientId] { text += " " + client.fullName }
        return text.lowercased()
    }
}
