import CLibCrypto

/// SHA-256 of a token, hex-encoded: only this is stored, never the token.
enum SHA256Digest {
    static func hex(_ text: String) -> String {
        var input = Array(text.utf8)
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        _ = input.withUnsafeMutableBufferPointer { bytes in
            SHA256(bytes.baseAddress, bytes.count, &digest)
        }
        return digest.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
