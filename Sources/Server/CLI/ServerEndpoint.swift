/// Where the CLI talks to: an `http://host:port` URL, kept as the user wrote it for messages.
struct ServerEndpoint: Sendable, CustomStringConvertible {
    static let defaultURL = "http://127.0.0.1:8080"

    let host: String
    let port: Int
    /// The URL without a trailing slash, for messages.
    let url: String

    init(_ text: String) throws {
        var rest = Substring(text)
        if rest.hasPrefix("https://") {
            throw CommandLineError("\(text): https is not supported; reach the server over http (a TLS proxy in "
                                   + "front of it is fine)")
        }
        guard rest.hasPrefix("http://") else { throw CommandLineError("--url must start with http://, not \(text)") }
        rest = rest.dropFirst("http://".count)
        if let slash = rest.firstIndex(of: "/") {
            guard rest[slash...].allSatisfy({ $0 == "/" }) else {
                throw CommandLineError("--url is the server's address without a path, not \(text)")
            }
            rest = rest[..<slash]
        }
        var host = String(rest)
        var port = 80
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw CommandLineError("bad IPv6 address in \(text)") }
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") { port = try Self.port(after.dropFirst(), text) }
        } else if let colon = rest.lastIndex(of: ":") {
            host = String(rest[..<colon])
            port = try Self.port(rest[rest.index(after: colon)...], text)
        }
        guard !host.isEmpty else { throw CommandLineError("--url has no host: \(text)") }
        self.host = host
        self.port = port
        var shown = text
        while shown.hasSuffix("/") { shown.removeLast() }
        url = shown
    }

    private static func port(_ text: Substring, _ url: String) throws -> Int {
        guard let port = Int(text), (1...65_535).contains(port) else {
            throw CommandLineError("bad port in \(url)")
        }
        return port
    }

    var description: String { url }
}
