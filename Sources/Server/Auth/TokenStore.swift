import Foundation
import Persistence

/// The bearer tokens of one data directory, in `<data>/tokens.json` (hashes only), with revocation taking effect
/// at once.
public actor TokenStore {
    private nonisolated let executor: BlockingIOExecutor
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
    private let path: String
    private var tokens: [AccessToken]
    private var byHash: [String: AccessToken]

    private init(executor: BlockingIOExecutor, path: String, tokens: [AccessToken]) {
        self.executor = executor
        self.path = path
        self.tokens = tokens
        self.byHash = Dictionary(tokens.map { ($0.hash, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Opens the tokens of `dataDirectory`, creating the directory when it does not exist yet.
    public static func open(dataDirectory: String) async throws -> TokenStore {
        let executor = BlockingIOExecutor(label: "bulkops.tokens")
        let path = dataDirectory + "/tokens.json"
        let tokens = try await executor.run { () -> [AccessToken] in
            try AtomicFile.createDirectory(dataDirectory)
            guard let data = try AtomicFile.read(path) else { return [] }
            return try APIJSON.decoder().decode([AccessToken].self, from: data)
        }
        return TokenStore(executor: executor, path: path, tokens: tokens)
    }

    public var isEmpty: Bool { tokens.isEmpty }

    public func list() -> [AccessToken] { tokens }

    public func authenticate(_ secret: String) -> AccessToken? { byHash[SHA256Digest.hex(secret)] }

    /// Creates a token and returns it with its secret (shown this once).
    public func create(name: String, role: Role) throws -> (AccessToken, String) {
        var bytes = [UInt8](repeating: 0, count: 24)
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = generator.next() }
        let secret = "bo_" + bytes.map { String(format: "%02x", $0) }.joined()
        let token = AccessToken(id: "tok_" + String(UUID().uuidString.prefix(8)).lowercased(), name: name, role: role,
                                hash: SHA256Digest.hex(secret), createdAt: Date())
        try save(tokens + [token])
        return (token, secret)
    }

    /// On a store without tokens, creates the admin token and writes its secret to `path` (mode 0600 from the
    /// start); returns the secret, or nil when tokens already exist.
    public func createFirstAdmin(secretPath path: String) throws -> String? {
        guard tokens.isEmpty else { return nil }
        let (_, secret) = try create(name: "admin", role: .admin)
        try AtomicFile.write(Array((secret + "\n").utf8), to: path, mode: 0o600)
        return secret
    }

    /// Removes a token; false when there was none with that id.
    public func revoke(id: String) throws -> Bool {
        guard tokens.contains(where: { $0.id == id }) else { return false }
        try save(tokens.filter { $0.id != id })
        return true
    }

    private func save(_ list: [AccessToken]) throws {
        let encoder = APIJSON.encoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(list), to: path)
        tokens = list
        byHash = Dictionary(list.map { ($0.hash, $0) }, uniquingKeysWith: { first, _ in first })
    }
}
