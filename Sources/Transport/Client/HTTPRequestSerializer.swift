/// Writes client requests: the same header hygiene as responses (no CR/LF injection), a Host
/// header when the caller gave none, and a Content-Length whenever there is a body.
enum HTTPRequestSerializer {
    static func serialize(_ request: HTTPRequest, host: String) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(256 + request.body.count)
        let target = request.target.utf8.allSatisfy(HTTPSyntax.isTargetByte) ? request.target : "/"
        output.append(contentsOf: "\(request.method) \(target) HTTP/1.1\r\n".utf8)
        if !request.headers.contains("Host") {
            HTTPResponseSerializer.appendField(name: "Host", value: host, to: &output)
        }
        for field in request.headers where !HTTPHeaders.namesEqual(field.name, "Content-Length") {
            HTTPResponseSerializer.appendField(name: field.name, value: field.value, to: &output)
        }
        let chunked = request.headers.tokens(for: "Transfer-Encoding").contains("chunked")
        if !chunked && (!request.body.isEmpty || ["POST", "PUT", "PATCH"].contains(request.method)) {
            HTTPResponseSerializer.appendField(name: "Content-Length", value: String(request.body.count), to: &output)
        }
        output.append(contentsOf: [0x0D, 0x0A])
        output.append(contentsOf: request.body)
        return output
    }
}
