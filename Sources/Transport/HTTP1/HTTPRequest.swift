/// A complete HTTP/1.1 request as the server hands it to its handler: the head, the whole
/// body (already limited by `HTTPServerConfiguration.maxBodySize`) and who sent it.
public struct HTTPRequest: Sendable {
    /// The method token, case preserved (`GET`, `POST`, ...).
    public var method: String
    /// The request target exactly as sent (`/v1/items?limit=5`).
    public var target: String
    /// The path part of the target, not percent-decoded, so `%2F` stays distinguishable from `/`.
    public var path: String
    /// The query, split on `&` and `=`, with `+` and percent-escapes decoded, in order.
    public var queryItems: [HTTPQueryItem]
    /// `HTTP/1.1` is `(1, 1)`.
    public var version: (major: Int, minor: Int)
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// The peer's address; nil only for requests built by hand.
    public var remoteAddress: SocketAddress?

    public init(
        method: String, target: String, version: (major: Int, minor: Int) = (1, 1),
        headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [], remoteAddress: SocketAddress? = nil
    ) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
        (path, queryItems) = HTTPRequestTarget.split(target)
    }

    /// The first value of query parameter `name`.
    public func queryValue(_ name: String) -> String? {
        queryItems.first { $0.name == name }?.value
    }

    /// Whether the connection may serve another request after this one.
    public var keepAlive: Bool {
        let tokens = headers.tokens(for: "Connection")
        if version.major == 1 && version.minor == 0 { return tokens.contains("keep-alive") }
        return !tokens.contains("close")
    }
}
