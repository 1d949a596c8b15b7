/// Turns a response into bytes that cannot be misread: header names that are not tokens are
/// dropped, CR, LF and NUL in values become spaces (no header or response splitting), the
/// body length is always stated, and framing headers from the handler are replaced.
enum HTTPResponseSerializer {
    /// - Parameters:
    ///   - isHeadRequest: a HEAD response keeps `Content-Length` but sends no body.
    ///   - keepAlive: false adds `Connection: close`.
    ///   - announceKeepAlive: adds `Connection: keep-alive`, which HTTP/1.0 clients need to hear.
    static func serialize(
        _ response: HTTPResponse, isHeadRequest: Bool, keepAlive: Bool, announceKeepAlive: Bool = false
    ) -> [UInt8] {
        let status = (100...999).contains(response.status) ? response.status : 500
        var output: [UInt8] = []
        output.reserveCapacity(256 + response.body.count)
        output.append(contentsOf: "HTTP/1.1 \(status) \(HTTPResponse.reasonPhrase(for: status))\r\n".utf8)
        let framing = ["content-length", "transfer-encoding", "connection"]
        for field in response.headers {
            let lowered = field.name.lowercasedASCII()
            if framing.contains(lowered) && status != 101 { continue }
            appendField(name: field.name, value: field.value, to: &output)
        }
        let bodyAllowed = !(100...199).contains(status) && status != 204 && status != 304
        if bodyAllowed {
            appendField(name: "Content-Length", value: String(response.body.count), to: &output)
        }
        if !keepAlive && status != 101 {
            appendField(name: "Connection", value: "close", to: &output)
        } else if announceKeepAlive {
            appendField(name: "Connection", value: "keep-alive", to: &output)
        }
        output.append(contentsOf: [0x0D, 0x0A])
        if bodyAllowed && !isHeadRequest { output.append(contentsOf: response.body) }
        return output
    }

    /// The interim `100 Continue` line, sent before reading a body the client is holding back.
    static let continueResponse: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    static func appendField(name: String, value: String, to output: inout [UInt8]) {
        guard !name.isEmpty, name.utf8.allSatisfy(HTTPSyntax.isTokenByte) else { return }
        output.append(contentsOf: name.utf8)
        output.append(contentsOf: [UInt8(ascii: ":"), 0x20])
        for byte in value.utf8 {
            output.append(byte == 0x0D || byte == 0x0A || byte == 0x00 ? 0x20 : byte)
        }
        output.append(contentsOf: [0x0D, 0x0A])
    }
}
