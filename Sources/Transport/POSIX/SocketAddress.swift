import Glibc

/// A numeric IPv4 or IPv6 socket address. Names other than `localhost` are not resolved:
/// the module listens and connects on literal addresses only.
public struct SocketAddress: Sendable, Hashable, CustomStringConvertible {
    /// The address family and its bytes.
    enum Storage: Hashable {
        /// Four address bytes in network order.
        case v4(address: UInt32, port: UInt16)
        /// Sixteen address bytes and the scope for link-local addresses.
        case v6(address: [UInt8], port: UInt16, scope: UInt32)
    }

    let storage: Storage

    /// Parses a literal such as `127.0.0.1`, `::1` or `[::1]`; `localhost` means `127.0.0.1`.
    public init?(host: String, port: Int) {
        guard (0...65535).contains(port) else { return nil }
        var name = host == "localhost" ? "127.0.0.1" : host
        if name.hasPrefix("[") && name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        var v4 = in_addr()
        if inet_pton(AF_INET, name, &v4) == 1 {
            storage = .v4(address: v4.s_addr, port: UInt16(port))
            return
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, name, &v6) == 1 {
            let bytes = withUnsafeBytes(of: &v6) { Array($0) }
            storage = .v6(address: bytes, port: UInt16(port), scope: 0)
            return
        }
        return nil
    }

    init?(storage raw: sockaddr_storage) {
        var raw = raw
        switch Int32(raw.ss_family) {
        case AF_INET:
            let address = withUnsafeBytes(of: &raw) { $0.load(as: sockaddr_in.self) }
            storage = .v4(address: address.sin_addr.s_addr, port: UInt16(bigEndian: address.sin_port))
        case AF_INET6:
            var address = withUnsafeBytes(of: &raw) { $0.load(as: sockaddr_in6.self) }
            let bytes = withUnsafeBytes(of: &address.sin6_addr) { Array($0) }
            storage = .v6(address: bytes, port: UInt16(bigEndian: address.sin6_port), scope: address.sin6_scope_id)
        default:
            return nil
        }
    }

    /// The port number.
    public var port: Int {
        switch storage {
        case .v4(_, let port), .v6(_, let port, _): Int(port)
        }
    }

    /// The address family constant (`AF_INET` or `AF_INET6`).
    var family: Int32 {
        switch storage {
        case .v4: AF_INET
        case .v6: AF_INET6
        }
    }

    /// The host part as text: `127.0.0.1` or `::1`.
    public var host: String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        switch storage {
        case .v4(let address, _):
            var value = in_addr(s_addr: address)
            inet_ntop(AF_INET, &value, &text, socklen_t(text.count))
        case .v6(let address, _, _):
            var value = in6_addr()
            withUnsafeMutableBytes(of: &value) { $0.copyBytes(from: address) }
            inet_ntop(AF_INET6, &value, &text, socklen_t(text.count))
        }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public var description: String {
        switch storage {
        case .v4: "\(host):\(port)"
        case .v6: "[\(host)]:\(port)"
        }
    }

    func withSocketAddress<R, E: Error>(
        _ body: (UnsafePointer<sockaddr>, socklen_t) throws(E) -> R
    ) throws(E) -> R {
        switch storage {
        case .v4(let address, let port):
            var value = sockaddr_in()
            value.sin_family = sa_family_t(AF_INET)
            value.sin_port = port.bigEndian
            value.sin_addr = in_addr(s_addr: address)
            return try withUnsafePointer(to: &value) { pointer throws(E) in
                try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { (raw) throws(E) -> R in
                    try body(raw, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        case .v6(let address, let port, let scope):
            var value = sockaddr_in6()
            value.sin6_family = sa_family_t(AF_INET6)
            value.sin6_port = port.bigEndian
            value.sin6_scope_id = scope
            withUnsafeMutableBytes(of: &value.sin6_addr) { $0.copyBytes(from: address) }
            return try withUnsafePointer(to: &value) { pointer throws(E) in
                try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { (raw) throws(E) -> R in
                    try body(raw, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        }
    }
}
