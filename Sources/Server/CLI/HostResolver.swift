import Foundation
import Glibc
import Transport

/// Turns a host name into a numeric address for the Transport client, which connects to literals only.
/// `getaddrinfo` blocks, so it runs on a thread of its own, never on the cooperative pool.
enum HostResolver {
    static func numericAddress(_ host: String) async throws -> String {
        if SocketAddress(host: host, port: 1) != nil { return host }
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<String, Error>) in
            let thread = Thread {
                var hints = addrinfo()
                hints.ai_family = AF_UNSPEC
                hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
                var list: UnsafeMutablePointer<addrinfo>?
                let status = getaddrinfo(host, nil, &hints, &list)
                defer { if let list { freeaddrinfo(list) } }
                guard status == 0, let first = list, let address = first.pointee.ai_addr else {
                    let reason = status == 0 ? "no address" : String(cString: gai_strerror(status))
                    continuation.resume(throwing: CommandLineError("cannot resolve \(host) (\(reason))", exitCode: 1))
                    return
                }
                var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
                let named = getnameinfo(address, first.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0,
                                        NI_NUMERICHOST)
                guard named == 0 else {
                    continuation.resume(throwing: CommandLineError("cannot resolve \(host)", exitCode: 1))
                    return
                }
                let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
                continuation.resume(returning: String(decoding: bytes, as: UTF8.self))
            }
            thread.start()
        }
    }
}
