import Jobs
import Orchestrator
import Transport

/// Entity lists: `GET /v1/records` with the selection filter language, and the audit log.
struct RecordRoutes {
    let practice: PracticeStore

    static func filter(from request: HTTPRequest, ignoring: Set<String> = ["limit", "cursor"]) -> [String: JSONValue] {
        var filter: [String: JSONValue] = [:]
        for item in request.queryItems where !ignoring.contains(item.name) { filter[item.name] = .string(item.value) }
        return filter
    }

    func records(_ request: HTTPRequest) async throws -> HTTPResponse {
        let filter = try RecordFilter(Self.filter(from: request))
        let state = await practice.state
        let matching = state.recordOrder.compactMap { id -> MedicalRecord? in
            guard let record = state.records[id], filter.matches(record) else { return nil }
            return record
        }
        return try APIResponse.page(matching, request: request)
    }

    func audit(_ request: HTTPRequest) async throws -> HTTPResponse {
        let allowed: Set<String> = ["jobId", "itemId", "actor", "from", "to", "limit", "cursor"]
        if let unknown = request.queryItems.first(where: { !allowed.contains($0.name) }) {
            throw APIError.badRequest("unknown audit filter \"\(unknown.name)\"", ["field": .string(unknown.name)])
        }
        let entries = await practice.audit(jobId: request.queryValue("jobId"), itemId: request.queryValue("itemId"),
                                           actor: request.queryValue("actor"), from: request.queryValue("from"),
                                           to: request.queryValue("to"))
        return try APIResponse.page(entries, request: request)
    }
}
