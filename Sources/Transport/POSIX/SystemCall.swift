import Glibc

/// Every system call the module makes, in one place: `EINTR` is retried, `EAGAIN` becomes
/// `.wouldBlock`, and any other failure throws a `SystemCallError` that names the call.
enum SystemCall {
    // The Swift Glibc module map leaves out <sys/epoll.h>, <sys/eventfd.h> and accept4, and this
    // module may not add a C target, so those functions are looked up once in the C library.
    private typealias EpollCreate = @convention(c) (Int32) -> Int32
    private typealias EpollControl = @convention(c) (Int32, Int32, Int32, UnsafeMutableRawPointer?) -> Int32
    private typealias EpollWait = @convention(c) (Int32, UnsafeMutableRawPointer?, Int32, Int32) -> Int32
    private typealias EventFD = @convention(c) (UInt32, Int32) -> Int32
    private typealias Accept4 = @convention(c) (
        Int32, UnsafeMutablePointer<sockaddr>?, UnsafeMutablePointer<socklen_t>?, Int32) -> Int32

    private struct LinuxFunctions: @unchecked Sendable {
        // C function pointers never change after lookup; the struct is only read.
        let epollCreate: EpollCreate
        let epollControl: EpollControl
        let epollWait: EpollWait
        let eventFD: EventFD
        let accept4: Accept4

        static func load() -> LinuxFunctions {
            let handle = dlopen(nil, RTLD_NOW)
            func symbol<F>(_ name: String, as type: F.Type) -> F {
                guard let pointer = dlsym(handle, name) else {
                    fatalError("the C library has no \(name)")
                }
                return unsafeBitCast(pointer, to: type)
            }
            return LinuxFunctions(
                epollCreate: symbol("epoll_create1", as: EpollCreate.self),
                epollControl: symbol("epoll_ctl", as: EpollControl.self),
                epollWait: symbol("epoll_wait", as: EpollWait.self),
                eventFD: symbol("eventfd", as: EventFD.self),
                accept4: symbol("accept4", as: Accept4.self))
        }
    }

    private static let linux = LinuxFunctions.load()

    /// `SO_TIMESTAMPNS` with a 64-bit `time_t` (its C macro is an expression Swift does not import).
    static let socketTimestampNanoseconds: Int32 = 35

    // <sys/epoll.h> constants, fixed by the Linux ABI.
    static let epollIn: UInt32 = 0x001
    static let epollOut: UInt32 = 0x004
    static let epollError: UInt32 = 0x008
    static let epollHangUp: UInt32 = 0x010
    static let epollReadHangUp: UInt32 = 0x2000
    static let epollAdd: Int32 = 1
    static let epollDelete: Int32 = 2
    static let epollModify: Int32 = 3

    /// Size of `struct epoll_event`: packed on x86_64, padded elsewhere.
    #if arch(x86_64)
    static let epollEventSize = 12
    static let epollDataOffset = 4
    #else
    static let epollEventSize = 16
    static let epollDataOffset = 8
    #endif

    @inline(__always)
    private static func retrying(_ call: String, _ body: () -> Int) throws(SystemCallError) -> IOResult<Int> {
        while true {
            let result = body()
            if result >= 0 { return .processed(result) }
            let code = Glibc.errno
            switch code {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK, EINPROGRESS: return .wouldBlock
            default: throw SystemCallError(call: call, errno: code)
            }
        }
    }

    private static func blocking(_ call: String, _ body: () -> Int) throws(SystemCallError) -> Int {
        switch try retrying(call, body) {
        case .processed(let value): return value
        case .wouldBlock: throw SystemCallError(call: call, errno: EAGAIN)
        }
    }

    // MARK: sockets

    static func socket(family: Int32) throws(SystemCallError) -> Int32 {
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        return Int32(try blocking("socket") { Int(Glibc.socket(family, type, 0)) })
    }

    static func setOption(_ fd: Int32, level: Int32, name: Int32, value: Int32) throws(SystemCallError) {
        var value = value
        _ = try blocking("setsockopt") {
            Int(Glibc.setsockopt(fd, level, name, &value, socklen_t(MemoryLayout<Int32>.size)))
        }
    }

    static func pendingError(_ fd: Int32) throws(SystemCallError) -> Int32 {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        _ = try blocking("getsockopt") { Int(Glibc.getsockopt(fd, SOL_SOCKET, SO_ERROR, &value, &length)) }
        return value
    }

    static func bind(_ fd: Int32, to address: SocketAddress) throws(SystemCallError) {
        _ = try address.withSocketAddress { (pointer, length) throws(SystemCallError) in
            try blocking("bind") { Int(Glibc.bind(fd, pointer, length)) }
        }
    }

    static func listen(_ fd: Int32, backlog: Int32) throws(SystemCallError) {
        _ = try blocking("listen") { Int(Glibc.listen(fd, backlog)) }
    }

    /// Starts a non-blocking connect; `.wouldBlock` means it is in progress (EINPROGRESS).
    static func connect(_ fd: Int32, to address: SocketAddress) throws(SystemCallError) -> IOResult<Void> {
        let result = try address.withSocketAddress { (pointer, length) throws(SystemCallError) in
            try retrying("connect") { Int(Glibc.connect(fd, pointer, length)) }
        }
        switch result {
        case .processed: return .processed(())
        case .wouldBlock: return .wouldBlock
        }
    }

    static func accept(_ fd: Int32) throws(SystemCallError) -> IOResult<(Int32, SocketAddress?)> {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let flags = Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        let result = try withUnsafeMutablePointer(to: &storage) { storagePointer throws(SystemCallError) in
            try storagePointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer throws(SystemCallError) in
                try retrying("accept4") { Int(linux.accept4(fd, pointer, &length, flags)) }
            }
        }
        switch result {
        case .processed(let client): return .processed((Int32(client), SocketAddress(storage: storage)))
        case .wouldBlock: return .wouldBlock
        }
    }

    static func localAddress(_ fd: Int32) throws(SystemCallError) -> SocketAddress? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = try withUnsafeMutablePointer(to: &storage) { storagePointer throws(SystemCallError) in
            try storagePointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer throws(SystemCallError) in
                try blocking("getsockname") { Int(Glibc.getsockname(fd, pointer, &length)) }
            }
        }
        return SocketAddress(storage: storage)
    }

    static func read(
        _ fd: Int32, into buffer: UnsafeMutableRawBufferPointer
    ) throws(SystemCallError) -> IOResult<Int> {
        try retrying("read") { Glibc.read(fd, buffer.baseAddress, buffer.count) }
    }

    /// Reads like `read`, and also returns the kernel's receive time of the data (`SO_TIMESTAMPNS` must be on),
    /// in microseconds since 1970, or nil when the kernel attached none.
    static func readStamped(
        _ fd: Int32, into buffer: UnsafeMutableRawBufferPointer
    ) throws(SystemCallError) -> IOResult<(count: Int, receivedMicros: Int64?)> {
        var stamp: Int64?
        // why: room for one cmsghdr followed by a timespec, aligned as the kernel writes it
        var control = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        let result = try withUnsafeMutableBytes(of: &control) { controlBytes throws(SystemCallError) -> IOResult<Int> in
            var vector = iovec(iov_base: buffer.baseAddress, iov_len: buffer.count)
            return try withUnsafeMutablePointer(to: &vector) { vectorPointer throws(SystemCallError) -> IOResult<Int> in
                var message = msghdr()
                message.msg_iov = vectorPointer
                message.msg_iovlen = 1
                message.msg_control = controlBytes.baseAddress
                message.msg_controllen = controlBytes.count
                let outcome = try retrying("recvmsg") { Glibc.recvmsg(fd, &message, 0) }
                if case .processed = outcome, message.msg_controllen >= MemoryLayout<cmsghdr>.size {
                    let header = controlBytes.loadUnaligned(as: cmsghdr.self)
                    let dataOffset = (MemoryLayout<cmsghdr>.size + 7) & ~7
                    if header.cmsg_level == SOL_SOCKET, header.cmsg_type == socketTimestampNanoseconds,
                       Int(header.cmsg_len) >= dataOffset + MemoryLayout<timespec>.size {
                        let time = controlBytes.loadUnaligned(fromByteOffset: dataOffset, as: timespec.self)
                        stamp = Int64(time.tv_sec) * 1_000_000 + Int64(time.tv_nsec) / 1_000
                    }
                }
                return outcome
            }
        }
        switch result {
        case .processed(let count): return .processed((count, stamp))
        case .wouldBlock: return .wouldBlock
        }
    }

    static func write(_ fd: Int32, from buffer: UnsafeRawBufferPointer) throws(SystemCallError) -> IOResult<Int> {
        // send with MSG_NOSIGNAL: a peer that went away must not raise SIGPIPE in the whole process.
        try retrying("send") { Glibc.send(fd, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL)) }
    }

    static func shutdownWrite(_ fd: Int32) throws(SystemCallError) {
        _ = try blocking("shutdown") { Int(Glibc.shutdown(fd, Int32(SHUT_WR))) }
    }

    /// Closes a descriptor. Not retried on EINTR: on Linux the descriptor is gone either way.
    static func close(_ fd: Int32) throws(SystemCallError) {
        if Glibc.close(fd) < 0 {
            let code = Glibc.errno
            if code != EINTR { throw SystemCallError(call: "close", errno: code) }
        }
    }

    // MARK: epoll and eventfd

    static func epollCreate() throws(SystemCallError) -> Int32 {
        Int32(try blocking("epoll_create1") { Int(linux.epollCreate(O_CLOEXEC)) })
    }

    static func epollControl(_ epoll: Int32, operation: Int32, fd: Int32, events: UInt32) throws(SystemCallError) {
        var raw = [UInt8](repeating: 0, count: epollEventSize)
        raw.withUnsafeMutableBytes { bytes in
            bytes.storeBytes(of: events, toByteOffset: 0, as: UInt32.self)
            bytes.storeBytes(of: UInt64(UInt32(bitPattern: fd)), toByteOffset: epollDataOffset, as: UInt64.self)
        }
        let result = raw.withUnsafeMutableBytes { bytes in
            Result { () throws(SystemCallError) in
                try blocking("epoll_ctl") { Int(linux.epollControl(epoll, operation, fd, bytes.baseAddress)) }
            }
        }
        _ = try result.get()
    }

    /// Waits for readiness; the buffer holds raw `epoll_event`s of `epollEventSize` bytes each.
    static func epollWait(
        _ epoll: Int32, events: UnsafeMutableRawBufferPointer, timeoutMilliseconds: Int32
    ) throws(SystemCallError) -> Int {
        let capacity = Int32(events.count / epollEventSize)
        let result = Int(linux.epollWait(epoll, events.baseAddress, capacity, timeoutMilliseconds))
        if result >= 0 { return result }
        let code = Glibc.errno
        // An interrupted wait just returns to the loop, which recomputes its timeout.
        if code == EINTR { return 0 }
        throw SystemCallError(call: "epoll_wait", errno: code)
    }

    static func eventFD() throws(SystemCallError) -> Int32 {
        Int32(try blocking("eventfd") { Int(linux.eventFD(0, O_NONBLOCK | O_CLOEXEC)) })
    }

    static func signalEventFD(_ fd: Int32) throws(SystemCallError) {
        var one: UInt64 = 1
        // A full counter (EAGAIN) still leaves the descriptor readable, which is all a wake-up needs.
        _ = try retrying("write") { Glibc.write(fd, &one, 8) }
    }

    static func drainEventFD(_ fd: Int32) throws(SystemCallError) {
        var value: UInt64 = 0
        _ = try retrying("read") { Glibc.read(fd, &value, 8) }
    }
}
