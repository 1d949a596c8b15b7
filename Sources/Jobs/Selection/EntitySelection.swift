import Orchestrator

/// Freezes a selection into ids: explicit ids as given (unknown ones fail per item when applied), or every row
/// matching the filter, in store order; exclusions are removed either way.
public enum EntitySelection {
    public static func resolve(_ selection: Selection, in store: PracticeStore, entities: Set<String>) async throws
        -> [String] {
        guard entities.contains(selection.entity), let type = PracticeState.entities[selection.entity] else {
            throw JobError(.validationFailed, "this kind works on \(entities.sorted().joined(separator: " or ")), "
                           + "not \(selection.entity)", details: ["field": "selection.entity"])
        }
        let excluded = Set(selection.exclude ?? [])
        if let ids = selection.ids {
            guard selection.filter == nil else {
                throw JobError(.badRequest, "a selection has either ids or a filter, not both", details: ["field": "selection"])
            }
            return ids.filter { !excluded.contains($0) }
        }
        let filter = try EntityFilter(selection.filter ?? [:], entity: type)
        let ids = await store.read { state in resolve(type, filter, state) }
        return ids.filter { !excluded.contains($0) }
    }

    private static func resolve<Row: PracticeEntity>(_ type: Row.Type, _ filter: EntityFilter, _ state: PracticeState)
        -> [String] {
        state.matchingIds(type, filter)
    }
}
