import Foundation
import Jobs
import Orchestrator
import Transport

/// The `/v1/jobs` and `/v1/kinds` endpoints. Every successful operator request (create, approve, reject, pause,
/// resume, cancel, retry-failed) is written to the audit log.
struct JobRoutes {
    let supervisor: JobSupervisor
    var practice: PracticeStore?

    /// Audits an operator's action; the request already succeeded, so a failure here is only logged.
    private func audit(_ action: String, job: JobSnapshot, caller: AccessToken, before: JobState?, note: String? = nil) async {
        do {
            try await practice?.recordJobAction(action, jobId: job.id, kind: job.kind, actor: caller.name,
                                                before: before?.rawValue, after: job.state.rawValue, note: note)
        } catch {
            FileHandle.standardError.write(Data("bulkops: could not audit \(action) of \(job.id): \(error)\n".utf8))
        }
    }

    private static let createFields: Set<String> = ["kind", "selection", "params", "scheduledFor", "confirm", "onConflict",
                                                    "chunkSize", "maxItemsPerSecond"]

    func kinds() async -> HTTPResponse {
        // why: API.md says every list answers items/nextCursor/total; `kinds` stays for clients written before
        struct Kinds: Encodable {
            var kinds: [OperationDescriptor]
            var items: [OperationDescriptor]
            var nextCursor: String?
            var total: Int

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(kinds, forKey: .kinds)
                try container.encode(items, forKey: .items)
                try container.encode(nextCursor, forKey: .nextCursor)
                try container.encode(total, forKey: .total)
            }

            private enum CodingKeys: String, CodingKey { case kinds, items, nextCursor, total }
        }
        let all = await supervisor.descriptors()
        return APIResponse.json(Kinds(kinds: all, items: all, nextCursor: nil, total: all.count))
    }

    /// Reads a create (or preview) body into an engine request.
    func jobRequest(_ request: HTTPRequest, caller: AccessToken) async throws(APIError) -> (JobRequest, OperationDescriptor) {
        let body = try RequestBody(request, allowed: Self.createFields)
        guard let kind = try body.string("kind", required: true) else { throw APIError.badRequest("\"kind\" is required") }
        guard let descriptor = await supervisor.descriptor(kind: kind) else {
            throw APIError.badRequest("unknown job kind \"\(kind)\"", ["field": "kind", "value": .string(kind)])
        }
        guard let selectionValue = body.object["selection"], case .object(let selectionObject) = selectionValue else {
            throw APIError.badRequest("\"selection\" is required and must be an object", ["field": "selection"])
        }
        let selection = try Self.selection(selectionObject)
        let params = body.object["params"] ?? .object([:])
        guard params.objectValue != nil else { throw APIError.badRequest("\"params\" must be an object", ["field": "params"]) }
        // why: some kinds need more for some parameters (a hard delete needs a manager)
        let needs = await supervisor.requirements(kind: kind, params: params)
            ?? (role: descriptor.role, approvalBelowRole: descriptor.approvalBelowRole)
        guard caller.role >= Role(rawValue: needs.role) ?? .admin else {
            throw APIError(status: 403, code: "forbidden", message: "\(kind) with these parameters needs the \(needs.role) role",
                           details: ["role": .string(needs.role), "kind": .string(kind)])
        }
        let onConflict = try body.string("onConflict") ?? "reject"
        guard onConflict == "reject" || onConflict == "queue" else {
            throw APIError.badRequest("onConflict must be \"reject\" or \"queue\"", ["field": "onConflict"])
        }
        let approval = needs.approvalBelowRole.flatMap(Role.init(rawValue:)).map { caller.role < $0 } ?? false
        let job = JobRequest(kind: kind, selection: selection, params: params, createdBy: caller.name,
                             scheduledFor: try body.date("scheduledFor"), confirm: try body.string("confirm"),
                             queueOnConflict: onConflict == "queue", chunkSize: try body.int("chunkSize"),
                             maxItemsPerSecond: try body.double("maxItemsPerSecond"), requiresApproval: approval)
        return (job, descriptor)
    }

    static func selection(_ object: [String: JSONValue]) throws(APIError) -> Selection {
        let allowed: Set<String> = ["entity", "ids", "filter", "exclude"]
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw APIError.badRequest("unknown selection field \"\(unknown)\"", ["field": .string("selection." + unknown)])
        }
        guard let entity = object["entity"]?.stringValue else {
            throw APIError.badRequest("selection.entity is required", ["field": "selection.entity"])
        }
        func strings(_ key: String) throws(APIError) -> [String]? {
            guard let value = object[key], !value.isNull else { return nil }
            guard let list = value.arrayValue, list.allSatisfy({ $0.stringValue != nil }) else {
                throw APIError.badRequest("selection.\(key) must be an array of ids", ["field": .string("selection." + key)])
            }
            return list.compactMap(\.stringValue)
        }
        let ids = try strings("ids")
        var filter: [String: JSONValue]?
        if let value = object["filter"], !value.isNull {
            guard let object = value.objectValue else {
                throw APIError.badRequest("selection.filter must be an object", ["field": "selection.filter"])
            }
            filter = object
        }
        if ids == nil, filter == nil {
            throw APIError.badRequest("selection needs ids or a filter ({} selects everything)", ["field": "selection"])
        }
        if ids != nil, filter != nil {
            throw APIError.badRequest("selection has either ids or a filter, not both", ["field": "selection"])
        }
        return Selection(entity: entity, ids: ids, filter: filter, exclude: try strings("exclude"))
    }

    func preview(_ request: HTTPRequest, caller: AccessToken) async throws -> HTTPResponse {
        let (job, _) = try await jobRequest(request, caller: caller)
        return APIResponse.json(try await supervisor.preview(job))
    }

    func create(_ request: HTTPRequest, caller: AccessToken) async throws -> HTTPResponse {
        let (job, _) = try await jobRequest(request, caller: caller)
        let snapshot = try await supervisor.create(job)
        await audit("create", job: snapshot, caller: caller, before: nil, note: "\(snapshot.progress.total) items")
        return APIResponse.json(snapshot, status: 201, headers: [("Location", "/v1/jobs/\(snapshot.id)")])
    }

    func list(_ request: HTTPRequest) async throws -> HTTPResponse {
        var states: Set<JobState>?
        if let text = request.queryValue("state"), !text.isEmpty {
            var parsed = Set<JobState>()
            for name in text.split(separator: ",") {
                guard let state = JobState(rawValue: String(name)) else {
                    throw APIError.badRequest("unknown state \"\(name)\"", ["field": "state",
                                              "allowed": .array(JobState.allCases.map { .string($0.rawValue) })])
                }
                parsed.insert(state)
            }
            states = parsed
        }
        let kinds = request.queryValue("kind").flatMap { $0.isEmpty ? nil : Set($0.split(separator: ",").map(String.init)) }
        if let kinds {
            let known = Set(await supervisor.descriptors().map(\.kind))
            if let unknown = kinds.sorted().first(where: { !known.contains($0) }) {
                throw APIError.badRequest("unknown job kind \"\(unknown)\"", ["field": "kind",
                                          "allowed": .array(known.sorted().map { .string($0) })])
            }
        }
        return try APIResponse.page(await supervisor.list(states: states, kinds: kinds), request: request)
    }

    func get(_ id: String) async throws -> HTTPResponse {
        guard let job = await supervisor.job(id) else { throw APIError.notFound("no job \(id)") }
        return APIResponse.json(job)
    }

    func control(_ id: String, action: String, caller: AccessToken) async throws -> HTTPResponse {
        let before = await supervisor.job(id)?.state
        let job: JobSnapshot
        switch action {
        case "pause": job = try await supervisor.pause(id)
        case "resume": job = try await supervisor.resume(id)
        case "cancel": job = try await supervisor.cancel(id)
        case "approve", "reject":
            guard caller.role >= .manager else { throw APIError.forbidden("\(action) needs the manager role") }
            job = action == "approve" ? try await supervisor.approve(id) : try await supervisor.reject(id)
        default: throw APIError.notFound("no such action \(action)")
        }
        await audit(action, job: job, caller: caller, before: before)
        return APIResponse.json(job, status: 202)
    }

    func retryFailed(_ id: String, _ request: HTTPRequest, caller: AccessToken) async throws -> HTTPResponse {
        let body = try RequestBody(request, allowed: ["confirm"], emptyAllowed: true)
        guard let original = await supervisor.job(id) else { throw APIError.notFound("no job \(id)") }
        guard let descriptor = await supervisor.descriptor(kind: original.kind) else {
            throw APIError.notFound("job kind \(original.kind) is no longer offered")
        }
        let needs = await supervisor.requirements(kind: original.kind, params: original.params)
            ?? (role: descriptor.role, approvalBelowRole: descriptor.approvalBelowRole)
        guard caller.role >= Role(rawValue: needs.role) ?? .admin else {
            throw APIError.forbidden("\(original.kind) with these parameters needs the \(needs.role) role")
        }
        let approval = needs.approvalBelowRole.flatMap(Role.init(rawValue:)).map { caller.role < $0 } ?? false
        let job = try await supervisor.retryFailed(id, createdBy: caller.name, requiresApproval: approval,
                                                   confirm: try body.string("confirm"))
        await audit("retryFailed", job: job, caller: caller, before: nil, note: "retry of \(id)")
        return APIResponse.json(job, status: 201, headers: [("Location", "/v1/jobs/\(job.id)")])
    }

    func items(_ id: String, _ request: HTTPRequest) async throws -> HTTPResponse {
        var status: ItemOutcome.Status?
        if let text = request.queryValue("status"), !text.isEmpty {
            guard let parsed = ItemOutcome.Status(rawValue: text) else {
                throw APIError.badRequest("status must be succeeded, failed, skipped or pending", ["field": "status"])
            }
            status = parsed
        }
        let format = request.queryValue("format") ?? "json"
        guard format == "json" || format == "csv" else {
            throw APIError.badRequest("format must be json or csv", ["field": "format"])
        }
        let items = try await supervisor.items(id, status: status)
        if format == "csv" {
            var csv = "itemId,status,reason\r\n"
            for item in items {
                csv += CSVField.escape(item.itemId) + "," + item.status.rawValue + "," + CSVField.escape(item.reason ?? "") + "\r\n"
            }
            let name = "\(id)-items\(status.map { "-" + $0.rawValue } ?? "").csv"
            return HTTPResponse(status: 200, headers: ["Content-Type": "text/csv; charset=utf-8",
                                                       "Content-Disposition": "attachment; filename=\"\(name)\""],
                                body: Array(csv.utf8))
        }
        return try APIResponse.page(items, request: request)
    }
}
