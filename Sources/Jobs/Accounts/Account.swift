/// A collections account: a debt owed by a debtor, worked by a collector.
public struct Account: Codable, Sendable, Equatable {
    public var id: String
    public var fileNumber: String
    public var client: String
    public var portfolio: String
    public var accountNumber: String
    public var debtorName: String
    /// One of the configured account statuses (`AccountStatuses`).
    public var status: String
    public var currentBalance: Double
    /// The collector working the account, nil when unassigned.
    public var assignedTo: String?
    public var creditor: String
    public var lastWorkedAt: String?
    public var lastPaymentAmount: Double?
    public var lastPaymentAt: String?
    /// The debtor's state of residence.
    public var state: String
    public var declinedTransactions: Int
    public var email: String
    public var phone: String
    /// The collector credited with the account's posted payments.
    public var paymentsCreditedTo: String?
    /// Payments promised or in flight, not yet posted.
    public var pendingPaymentAmount: Double
    /// The collector credited with the pending payments.
    public var pendingPaymentsCreditedTo: String?
    public var deletedAt: String?

    public init(id: String, fileNumber: String, client: String, portfolio: String, accountNumber: String,
                debtorName: String, status: String, currentBalance: Double, assignedTo: String?, creditor: String,
                lastWorkedAt: String?, lastPaymentAmount: Double?, lastPaymentAt: String?, state: String,
                declinedTransactions: Int, email: String, phone: String, paymentsCreditedTo: String? = nil,
                pendingPaymentAmount: Double = 0, pendingPaymentsCreditedTo: String? = nil, deletedAt: String? = nil) {
        self.id = id
        self.fileNumber = fileNumber
        self.client = client
        self.portfolio = portfolio
        self.accountNumber = accountNumber
        self.debtorName = debtorName
        self.status = status
        self.currentBalance = currentBalance
        self.assignedTo = assignedTo
        self.creditor = creditor
        self.lastWorkedAt = lastWorkedAt
        self.lastPaymentAmount = lastPaymentAmount
        self.lastPaymentAt = lastPaymentAt
        self.state = state
        self.declinedTransactions = declinedTransactions
        self.email = email
        self.phone = phone
        self.paymentsCreditedTo = paymentsCreditedTo
        self.pendingPaymentAmount = pendingPaymentAmount
        self.pendingPaymentsCreditedTo = pendingPaymentsCreditedTo
        self.deletedAt = deletedAt
    }
}

extension Account: PracticeEntity {
    public static let entity = "accounts"
    public static let filterFields: Set<String> = ["fileNumber", "client", "portfolio", "accountNumber", "debtorName",
                                                  "status", "assignedTo", "creditor", "state", "declinedTransactions",
                                                  "email", "phone"]
    public static let dateField: String? = "lastWorkedAt"
    public static var table: WritableKeyPath<PracticeState, EntityTable<Account>> { \.accounts }
    public static func put(_ rows: [Account]) -> PracticeChange { .putAccounts(rows) }

    public func filterValues(_ field: String) -> [String] {
        switch field {
        case "fileNumber": [fileNumber]
        case "client": [client]
        case "portfolio": [portfolio]
        case "accountNumber": [accountNumber]
        case "debtorName": [debtorName]
        case "status": [status]
        // why: `assignedTo=none` selects the unassigned accounts
        case "assignedTo": [assignedTo ?? "none"]
        case "creditor": [creditor]
        case "state": [state]
        case "declinedTransactions": [String(declinedTransactions)]
        case "email": [email]
        case "phone": [phone]
        default: []
        }
    }

    public var filterDate: String? { lastWorkedAt }

    public func searchText(in state: PracticeState) -> String {
        (id + " " + fileNumber + " " + accountNumber + " " + debtorName).lowercased()
    }
}
