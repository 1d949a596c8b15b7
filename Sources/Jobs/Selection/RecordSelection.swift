import Orchestrator

/// Freezes a records selection into ids: explicit ids as given (unknown ones fail per item when applied), or every
/// record matching the filter, in store order, minus the exclusions.
enum RecordSelection {
    static func resolve(_ selection: Selection, in store: PracticeStore, entity: String) async throws -> [String] {
        guard selection.entity == entity else {
            throw JobError(.validationFailed, "this kind works on \(entity), not \(selection.entity)",
                           details: ["field": "selection.entity"])
        }
        let excluded = Set(selection.exclude ?? [])
        if let ids = selection.ids {
            guard selection.filter == nil else {
                throw JobError(.badRequest, "a selection has either ids or a filter, not both", details: ["field": "selection"])
            }
            return ids.filter { !excluded.contains($0) }
        }
        let filter = try RecordFilter(selection.filter ?? [:])
        let state = await store.state
        return state.recordOrder.filter { id in
            guard !excluded.contains(id), let record = state.records[id] else { return false }
            return filter.matches(record)
        }
    }
}
