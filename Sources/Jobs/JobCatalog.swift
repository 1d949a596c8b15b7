import Orchestrator

/// Every job kind BulkOps offers, wired to the practice store.
public enum JobCatalog {
    public static func operations(store: PracticeStore, limits: SelectionLimits,
                                  accountStatuses: AccountStatuses = AccountStatuses()) -> [any BulkOperation] {
        [
            RecordStatusOperation(store: store, limits: limits),
            RecordAssignVetOperation(store: store, limits: limits),
            RecordTagsOperation(store: store, limits: limits),
            RecordBillingOperation(store: store, limits: limits),
            AppointmentRescheduleOperation(store: store, limits: limits),
            AppointmentCancelOperation(store: store, limits: limits),
            AppointmentProgressOperation(.checkIn, store: store, limits: limits),
            AppointmentProgressOperation(.complete, store: store, limits: limits),
            AppointmentRemindOperation(store: store, limits: limits),
            AccountAssignOperation(store: store, limits: limits),
            AccountStatusOperation(store: store, limits: limits, statuses: accountStatuses),
            DeleteOperation(store: store, limits: limits),
        ]
    }
}
