import Orchestrator

/// Every job kind BulkOps offers, wired to the practice store.
public enum JobCatalog {
    public static func operations(store: PracticeStore, limits: SelectionLimits) -> [any BulkOperation] {
        [RecordStatusOperation(store: store, limits: limits)]
    }
}
