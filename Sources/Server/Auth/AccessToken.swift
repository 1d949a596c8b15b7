import Foundation

/// A stored bearer token: who it is for and its role; the secret itself is kept only as a hash.
public struct AccessToken: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var role: Role
    public var hash: String
    public var createdAt: Date
}
