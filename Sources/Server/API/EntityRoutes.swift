import Foundation
import Jobs
import Orchestrator
import Transport

/// The practice's entities: `GET /v1/{entity}` with the selection filter language, `GET /v1/{entity}/{id}`,
/// `POST /v1/{entity}/{id}/restore` for soft-deleted rows, and the audit log `GET /v1/audit`.
struct EntityRoutes {
    let practice: PracticeStore

    /// Entity names the router sends here.
    static var entities: Set<String> { Set(PracticeState.entities.keys) }

    /// Query parameters that are not filters.
    static let listControls: Set<String> = ["limit", "cursor", "includeDeleted"]

    /// The filter of a list request; a field given twice matches either value.
    static func filter(from request: HTTPRequest, ignoring: Set<String> = listControls) -> [String: JSONValue] {
        var filter: [String: JSONValue] = [:]
        for item in request.queryItems where !ignoring.contains(item.name) {
            switch filter[item.name] {
            case nil: filter[item.name] = .string(item.value)
            case .array(let list)?: filter[item.name] = .array(list + [.string(item.value)])
            case let existing?: filter[item.name] = .array([existing, .string(item.value)])
            }
        }
        return filter
    }

    /// `includeDeleted=true` shows soft-deleted rows to managers.
    private func includeDeleted(_ request: HTTPRequest, caller: AccessToken) throws(APIError) -> Bool {
        switch request.queryValue("includeDeleted") {
        case nil, "false": return false
        case "true":
            guard caller.role >= .manager else { throw APIError.forbidden("includeDeleted needs the manager role") }
            return true
        default: throw APIError.badRequest("includeDeleted must be true or false", ["field": "includeDeleted"])
        }
    }

    func list(_ entity: String, _ request: HTTPRequest, caller: AccessToken) async throws -> HTTPResponse {
        let deleted = try includeDeleted(request, caller: caller)
        let filter = Self.filter(from: request)
        let rows = try await practice.read { state in
            try state.matching(entity, filter: filter, includeDeleted: deleted).map(AnyEntity.init)
        }
        return try APIResponse.page(rows, request: request)
    }

    func get(_ entity: String, _ id: String, _ request: HTTPRequest, caller: AccessToken) async throws -> HTTPResponse {
        let deleted = try includeDeleted(request, caller: caller)
        guard let row = await practice.read({ $0.row(entity, id) }), deleted || row.deletedAt == nil else {
            throw APIError.notFound("no \(entity) row \(id)")
        }
        return APIResponse.json(AnyEntity(row))
    }

    func restore(_ entity: String, _ id: String, caller: AccessToken) async throws -> HTTPResponse {
        APIResponse.json(try await practice.restore(entity: entity, id: id, actor: caller.name))
    }

    func audit(_ request: HTTPRequest) async throws -> HTTPResponse {
        let allowed: Set<String> = ["jobId", "itemId", "actor", "from", "to", "entity", "action", "limit", "cursor"]
        if let unknown = request.queryItems.first(where: { !allowed.contains($0.name) }) {
            throw APIError.badRequest("unknown audit filter \"\(unknown.name)\"", ["field": .string(unknown.name),
                                      "allowed": .array(allowed.sorted().map { .string($0) })])
        }
        func time(_ key: String) throws(APIError) -> String? {
            guard let text = request.queryValue(key), !text.isEmpty else { return nil }
            guard let date = Timestamp.parse(text) else {
                throw APIError.badRequest("\(key) must be an RFC 3339 time or a date", ["field": .string(key)])
            }
            // why: a date alone as the upper bound means the whole of that day
            return Timestamp.string(key == "to" && text.count == 10 ? date.addingTimeInterval(86_400 - 0.000_001) : date)
        }
        let entries = await practice.audit(jobId: request.queryValue("jobId"), itemId: request.queryValue("itemId"),
                                           actor: request.queryValue("actor"), from: try time("from"),
                                           to: try time("to"), entity: request.queryValue("entity"),
                                           action: request.queryValue("action"))
        return try APIResponse.page(entries, request: request)
    }
}
