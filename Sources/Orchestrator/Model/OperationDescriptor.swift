/// What `GET /v1/kinds` says of one kind: its entity, parameter schema, limit, role and confirmation.
public struct OperationDescriptor: Codable, Sendable, Equatable {
    public var kind: String
    public var entity: String
    public var description: String
    public var paramsSchema: JSONValue
    public var selectionLimit: Int
    /// The least role that may create the job (`staff`, `manager`, `admin`).
    public var role: String
    /// Jobs created by a role below this one wait in `awaitingApproval`; nil when no approval is needed.
    public var approvalBelowRole: String?
    /// The exact phrase a create body must carry in `confirm`; nil when no confirmation is needed.
    public var confirmationPhrase: String?

    public init(kind: String, entity: String, description: String, paramsSchema: JSONValue, selectionLimit: Int,
                role: String = "staff", approvalBelowRole: String? = nil, confirmationPhrase: String? = nil) {
        self.kind = kind
        self.entity = entity
        self.description = description
        self.paramsSchema = paramsSchema
        self.selectionLimit = selectionLimit
        self.role = role
        self.approvalBelowRole = approvalBelowRole
        self.confirmationPhrase = confirmationPhrase
    }
}
