import Foundation
import Transport

/// `/v1/tokens`: admins create, list and revoke bearer tokens.
struct TokenRoutes {
    let tokens: TokenStore

    /// A token as listed: never its secret.
    struct Listed: Encodable {
        var id: String
        var name: String
        var role: Role
        var createdAt: Date
    }

    /// A token just created: the only time the secret is shown.
    struct Created: Encodable {
        var id: String
        var name: String
        var role: Role
        var token: String
    }

    func create(_ request: HTTPRequest) async throws -> HTTPResponse {
        let body = try RequestBody(request, allowed: ["name", "role"])
        guard let name = try body.string("name", required: true)?.trimmingCharacters(in: .whitespaces), !name.isEmpty,
              name.count <= 200 else {
            throw APIError.validation("name must be 1 to 200 characters", ["field": "name"])
        }
        guard let roleText = try body.string("role", required: true), let role = Role(rawValue: roleText) else {
            throw APIError.badRequest("role must be staff, manager or admin", ["field": "role"])
        }
        let (token, secret) = try await tokens.create(name: name, role: role)
        return APIResponse.json(Created(id: token.id, name: token.name, role: token.role, token: secret), status: 201,
                                headers: [("Location", "/v1/tokens/\(token.id)")])
    }

    func list(_ request: HTTPRequest) async throws -> HTTPResponse {
        let listed = await tokens.list().map { Listed(id: $0.id, name: $0.name, role: $0.role, createdAt: $0.createdAt) }
        return try APIResponse.page(listed, request: request)
    }

    func revoke(_ id: String, caller: AccessToken) async throws -> HTTPResponse {
        guard try await tokens.revoke(id: id) else { throw APIError.notFound("no token \(id)") }
        return HTTPResponse(status: 204)
    }
}
