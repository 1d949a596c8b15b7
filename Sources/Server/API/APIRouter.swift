import Foundation
import Jobs
import Orchestrator
import Transport

/// Routes each request to its handler after authentication and role checks, and turns every error into the API's
/// error shape.
public struct APIRouter: Sendable {
    let supervisor: JobSupervisor
    let tokens: TokenStore
    let practice: PracticeStore
    let version: String
    let startedAt: Date
    let isShuttingDown: @Sendable () -> Bool
    /// Per-token request limit; nil when off.
    var rateLimiter: RequestRateLimiter?
    /// Largest request body the API reads; larger ones answer 413 in the API's shape.
    var maxBodyBytes = ServerConfiguration().maxRequestBodyBytes

    var jobs: JobRoutes { JobRoutes(supervisor: supervisor, practice: practice) }

    public func handle(_ request: HTTPRequest) async -> HTTPResponse {
        do {
            return try await route(request)
        } catch let error as APIError {
            return error.response
        } catch let error as JobError {
            return APIError(error).response
        } catch {
            return APIError(status: 500, code: "internal_error", message: "\(error)").response
        }
    }

    /// The caller of a `/v1` request, or 401.
    func authenticate(_ request: HTTPRequest, allowQueryToken: Bool = false) async throws(APIError) -> AccessToken {
        var secret: String?
        if let header = request.headers["Authorization"] {
            let parts = header.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" { secret = String(parts[1]).trimmingCharacters(in: .whitespaces) }
        }
        if secret == nil, allowQueryToken { secret = request.queryValue("access_token") }
        guard let secret, !secret.isEmpty, let token = await tokens.authenticate(secret) else { throw APIError.unauthorized }
        return token
    }

    private func route(_ request: HTTPRequest) async throws -> HTTPResponse {
        let segments = request.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        let method = request.method
        if segments == ["health"] {
            try allow(method, ["GET", "HEAD"])
            struct Health: Encodable { var status: String; var version: String; var uptimeSeconds: Int }
            return APIResponse.json(Health(status: isShuttingDown() ? "shutting_down" : "ok", version: version,
                                           uptimeSeconds: Int(Date().timeIntervalSince(startedAt))))
        }
        if let asset = DashboardAssets.response(for: request.path) {
            try allow(method, ["GET", "HEAD"])
            return asset
        }
        guard segments.first == "v1" else { throw APIError.notFound("no route \(request.path)") }
        let caller = try await authenticate(request)
        if let rateLimiter, let wait = rateLimiter.admit(caller.id) {
            throw APIError.rateLimited(retryAfter: wait, rate: rateLimiter.rate)
        }
        if request.body.count > maxBodyBytes {
            throw APIError.payloadTooLarge(size: request.body.count, limit: maxBodyBytes)
        }
        let rest = Array(segments.dropFirst())
        if isShuttingDown(), method != "GET", method != "HEAD" {
            var error = APIError(status: 503, code: "shutting_down", message: "the server is shutting down")
            error.headers = [("Retry-After", "5")]
            throw error
        }
        switch rest.first {
        case "me" where rest.count == 1:
            try allow(method, ["GET"])
            struct Me: Encodable { var id: String; var name: String; var role: Role }
            return APIResponse.json(Me(id: caller.id, name: caller.name, role: caller.role))
        case "kinds" where rest.count == 1:
            try allow(method, ["GET"])
            return await jobs.kinds()
        case "jobs":
            return try await routeJobs(Array(rest.dropFirst()), request, caller: caller)
        case "tokens":
            guard caller.role >= .admin else { throw APIError.forbidden("managing tokens needs the admin role") }
            let routes = TokenRoutes(tokens: tokens)
            if rest.count == 1 {
                try allow(method, ["GET", "POST"])
                return method == "POST" ? try await routes.create(request) : try await routes.list(request)
            }
            if rest.count == 2 {
                try allow(method, ["DELETE"])
                return try await routes.revoke(rest[1], caller: caller)
            }
        case "audit" where rest.count == 1:
            try allow(method, ["GET"])
            return try await EntityRoutes(practice: practice).audit(request)
        case let entity? where EntityRoutes.entities.contains(entity):
            let routes = EntityRoutes(practice: practice)
            switch rest.count {
            case 1:
                try allow(method, ["GET"])
                return try await routes.list(entity, request, caller: caller)
            case 2:
                try allow(method, ["GET"])
                return try await routes.get(entity, rest[1], request, caller: caller)
            case 3 where rest[2] == "restore":
                try allow(method, ["POST"])
                return try await routes.restore(entity, rest[1], caller: caller)
            default:
                break
            }
        default:
            break
        }
        throw APIError.notFound("no route \(request.path)")
    }

    private func routeJobs(_ rest: [String], _ request: HTTPRequest, caller: AccessToken) async throws -> HTTPResponse {
        let method = request.method
        switch rest.count {
        case 0:
            try allow(method, ["GET", "POST"])
            return method == "POST" ? try await jobs.create(request, caller: caller) : try await jobs.list(request)
        case 1 where rest[0] == "preview":
            try allow(method, ["POST"])
            return try await jobs.preview(request, caller: caller)
        case 1:
            try allow(method, ["GET"])
            return try await jobs.get(rest[0])
        case 2:
            let id = rest[0]
            switch rest[1] {
            case "pause", "resume", "cancel", "approve", "reject":
                try allow(method, ["POST"])
                return try await jobs.control(id, action: rest[1], caller: caller)
            case "retry-failed":
                try allow(method, ["POST"])
                return try await jobs.retryFailed(id, request, caller: caller)
            case "items":
                try allow(method, ["GET"])
                return try await jobs.items(id, request)
            case "artifact":
                try allow(method, ["GET"])
                guard await supervisor.job(id) != nil else { throw APIError.notFound("no job \(id)") }
                throw APIError.notFound("job \(id) produced no artifact")
            default: break
            }
        default: break
        }
        throw APIError.notFound("no route \(request.path)")
    }

    private func allow(_ method: String, _ methods: [String]) throws(APIError) {
        guard methods.contains(method) else {
            var error = APIError(status: 405, code: "method_not_allowed", message: "use \(methods.joined(separator: " or "))")
            error.headers = [("Allow", methods.joined(separator: ", "))]
            throw error
        }
    }
}
