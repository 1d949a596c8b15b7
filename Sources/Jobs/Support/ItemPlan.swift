import Orchestrator

/// What a job would do to one item, decided from the current state: the same plan drives preview and apply.
public enum ItemPlan<Row: PracticeEntity>: Sendable {
    /// Change the item to `row`; `before` and `after` are the changed fields (for preview and audit); `extra`
    /// holds other changes the item causes (bills created, messages queued, cascades).
    case change(Row, before: [String: JSONValue], after: [String: JSONValue], extra: [PracticeChange] = [])
    /// Nothing to do (already in the asked state); not an error.
    case skip(String)
    /// Refused; the reason goes into the failure report, the suggestion into the preview's conflict.
    case fail(String, suggestion: JSONValue? = nil)
}
