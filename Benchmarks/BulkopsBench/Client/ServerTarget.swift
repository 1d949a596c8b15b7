/// Where the scenario's requests go: the harness's own local server, or `--url` with `--token`.
struct ServerTarget: Sendable {
    var host: String
    var port: Int
    var token: String
    /// Nil for a remote server (`--url`): then there is no process to watch or kill.
    var local: LocalServer?

    /// Parses `http://host:port` (a numeric address or `localhost`; the transport does no DNS).
    static func remote(url: String, token: String) throws(BenchError) -> ServerTarget {
        var rest = Substring(url)
        if rest.hasPrefix("http://") { rest = rest.dropFirst(7) }
        if rest.hasPrefix("https://") { throw BenchError("https is not supported; use http://", exitCode: 2) }
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        var host = String(rest)
        var port = 80
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":"), let value = Int(after.dropFirst()) { port = value }
        } else if let colon = rest.lastIndex(of: ":") {
            host = String(rest[..<colon])
            guard let value = Int(rest[rest.index(after: colon)...]) else {
                throw BenchError("cannot read the port of \(url)", exitCode: 2)
            }
            port = value
        }
        if host == "localhost" { host = "127.0.0.1" }
        return ServerTarget(host: host, port: port, token: token, local: nil)
    }

    var streamTarget: String { "/v1/stream?access_token=" + token }
}
