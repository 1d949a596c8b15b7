import CLibCrypto
import Foundation

/// The RFC 6455 opening handshake, both sides. Pure functions: no I/O.
enum WebSocketHandshake {
    /// Why an upgrade request was refused; `response` is the answer to send.
    enum Failure: Error, Equatable {
        /// Not a GET, not HTTP/1.1, or missing the Upgrade/Connection tokens (400).
        case notAnUpgrade
        /// Sec-WebSocket-Version other than 13 (426, advertising 13).
        case unsupportedVersion
        /// Sec-WebSocket-Key missing, repeated, or not 16 base64-encoded bytes (400).
        case invalidKey

        var response: HTTPResponse {
            switch self {
            case .unsupportedVersion:
                HTTPResponse(status: 426, headers: ["Sec-WebSocket-Version": "13"])
            case .notAnUpgrade, .invalidKey:
                HTTPResponse(status: 400)
            }
        }
    }

    private static let guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    /// `Sec-WebSocket-Accept` for a client key: base64(SHA-1(key + GUID)).
    static func acceptValue(forKey key: String) -> String {
        let input = Array((key + guid).utf8)
        var digest = [UInt8](repeating: 0, count: Int(SHA_DIGEST_LENGTH))
        _ = input.withUnsafeBufferPointer { inputBuffer in
            digest.withUnsafeMutableBufferPointer { output in
                SHA1(inputBuffer.baseAddress, inputBuffer.count, output.baseAddress)
            }
        }
        return Data(digest).base64EncodedString()
    }

    /// True when the request asks for a WebSocket: the server then answers it here, never the
    /// ordinary handler.
    static func isUpgradeRequest(_ request: HTTPRequest) -> Bool {
        request.headers.tokens(for: "Upgrade").contains("websocket")
    }

    /// Checks an upgrade request and returns the client's key.
    static func validate(_ request: HTTPRequest) -> Result<String, Failure> {
        guard request.method == "GET", request.version.major == 1, request.version.minor == 1,
              request.headers.tokens(for: "Upgrade").contains("websocket"),
              request.headers.tokens(for: "Connection").contains("upgrade")
        else { return .failure(.notAnUpgrade) }
        let versions = request.headers.values(for: "Sec-WebSocket-Version")
        guard versions.count == 1, versions[0].trimmingASCIIWhitespace() == "13" else {
            return .failure(.unsupportedVersion)
        }
        let keys = request.headers.values(for: "Sec-WebSocket-Key")
        guard keys.count == 1 else { return .failure(.invalidKey) }
        let key = keys[0].trimmingASCIIWhitespace()
        guard let decoded = Data(base64Encoded: key), decoded.count == 16 else { return .failure(.invalidKey) }
        return .success(key)
    }

    /// The subprotocols the client offered, in its order of preference.
    static func offeredSubprotocols(_ request: HTTPRequest) -> [String] {
        request.headers.values(for: "Sec-WebSocket-Protocol").flatMap { value in
            value.split(separator: ",").map { $0.trimmingASCIIWhitespace() }.filter { !$0.isEmpty }
        }
    }

    /// The 101 answer. Extensions (permessage-deflate included) are declined by not echoing them.
    static func acceptResponse(key: String, subprotocol: String?) -> HTTPResponse {
        var headers: HTTPHeaders = [
            "Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Accept": acceptValue(forKey: key),
        ]
        if let subprotocol { headers.add(name: "Sec-WebSocket-Protocol", value: subprotocol) }
        return HTTPResponse(status: 101, headers: headers)
    }

    // MARK: client side

    /// A fresh random key: 16 random bytes, base64-encoded.
    static func makeKey() -> String {
        Data((0..<16).map { _ in UInt8.random(in: .min ... .max) }).base64EncodedString()
    }

    /// Whether a server's answer completes the handshake for `key`.
    static func isValidAcceptResponse(status: Int, headers: HTTPHeaders, key: String) -> Bool {
        status == 101
            && headers.tokens(for: "Upgrade").contains("websocket")
            && headers.tokens(for: "Connection").contains("upgrade")
            && headers["Sec-WebSocket-Accept"] == acceptValue(forKey: key)
    }
}
