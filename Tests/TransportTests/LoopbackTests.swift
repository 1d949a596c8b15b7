import Glibc
import Synchronization
import Testing
@testable import Transport

/// Runs `body` against a live server on 127.0.0.1 port 0 and shuts it down afterwards.
func withServer(
    configuration: HTTPServerConfiguration = HTTPServerConfiguration(),
    host: String = "127.0.0.1",
    handler: @escaping HTTPServer.Handler = { request in
        HTTPResponse(status: 200, contentType: "text/plain", body: "\(request.method) \(request.target) "
            + String(decoding: request.body, as: UTF8.self))
    },
    upgradeHandler: @escaping HTTPServer.UpgradeHandler = { _ in .refuse(HTTPResponse(status: 404)) },
    _ body: (HTTPServer, Int) async throws -> Void
) async throws {
    let server = HTTPServer(configuration: configuration, handler: handler, upgradeHandler: upgradeHandler)
    let port = try await server.start(host: host, port: 0)
    #expect(port > 0)
    do {
        try await body(server, port)
    } catch {
        await server.shutdown()
        throw error
    }
    await server.shutdown()
    #expect(server.connectionCount == 0)
}

func shortClientConfiguration() -> HTTPClientConfiguration {
    var configuration = HTTPClientConfiguration()
    configuration.requestTimeout = .seconds(5)
    configuration.connectTimeout = .seconds(5)
    return configuration
}

func echoUpgrade(_ request: HTTPRequest) async -> WebSocketUpgradeDecision {
    guard request.path == "/echo" else { return .refuse(HTTPResponse(status: 403)) }
    return .accept(subprotocol: "echo") { connection in
        for await message in connection.messages {
            switch message {
            case .text(let text): try? connection.send(text: text)
            case .binary(let bytes): try? connection.send(binary: bytes)
            }
        }
    }
}

@Suite(.timeLimit(.minutes(1)))
struct LoopbackTests {
    @Test func keepAliveServesManyRequestsOnOneConnection() async throws {
        let peers = Mutex<Set<Int>>([])
        try await withServer(handler: { request in
            peers.withLock { _ = $0.insert(request.remoteAddress?.port ?? -1) }
            return HTTPResponse(status: 200, body: Array(request.path.utf8))
        }) { _, port in
            let client = try await HTTPClient.connect(port: port, configuration: shortClientConfiguration())
            for index in 0..<5 {
                let response = try await client.get("/r\(index)")
                #expect(response.status == 200)
                #expect(response.body == Array("/r\(index)".utf8))
            }
            let head = try await client.send(HTTPRequest(method: "HEAD", target: "/h"))
            #expect(head.body.isEmpty && head.headers["Content-Length"] == "2")
            await client.close()
        }
        #expect(peers.withLock { $0.count } == 1)
    }

    @Test func pipelinedResponsesComeBackInRequestOrder() async throws {
        try await withServer(handler: { request in
            // The first request is the slowest: order must still hold.
            let delay = Int(request.queryValue("delay") ?? "0") ?? 0
            try? await Task.sleep(for: .milliseconds(delay))
            return HTTPResponse(status: 200, body: Array(request.path.utf8))
        }) { _, port in
            let client = try await HTTPClient.connect(port: port, configuration: shortClientConfiguration())
            let responses = try await client.send([
                HTTPRequest(method: "GET", target: "/a?delay=150"),
                HTTPRequest(method: "POST", target: "/b?delay=50", body: Array("x".utf8)),
                HTTPRequest(method: "GET", target: "/c"),
            ])
            #expect(responses.map { String(decoding: $0.body, as: UTF8.self) } == ["/a", "/b", "/c"])
            await client.close()
        }
    }

    @Test func chunkedRequestBodyAndExpectContinue() async throws {
        try await withServer { _, port in
            let client = try await HTTPClient.connect(port: port, configuration: shortClientConfiguration())
            let raw = "POST /up HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "4\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\n"
            let responses = try await client.exchange(raw: Array(raw.utf8), headRequests: [false])
            #expect(String(decoding: responses[0].body, as: UTF8.self) == "POST /up Wikipedia")

            let head = "POST /c HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n"
            // The interim 100 is skipped by the client; the final answer needs the body.
            async let final = client.exchange(raw: Array(head.utf8), headRequests: [false])
            try await Task.sleep(for: .milliseconds(50))
            _ = try await client.exchange(raw: Array("abc".utf8), headRequests: [])
            #expect(String(decoding: try await final[0].body, as: UTF8.self) == "POST /c abc")
            await client.close()
        }
    }

    @Test func oversizeBodyIsRefusedBeforeItIsSent() async throws {
        var configuration = HTTPServerConfiguration()
        configuration.maxBodySize = 1024
        try await withServer(configuration: configuration) { _, port in
            let client = try await HTTPClient.connect(port: port, configuration: shortClientConfiguration())
            let head = "POST /big HTTP/1.1\r\nHost: t\r\nContent-Length: 10000000\r\n\r\n"
            let clock = ContinuousClock()
            let start = clock.now
            let responses = try await client.exchange(raw: Array(head.utf8), headRequests: [false])
            #expect(responses[0].status == 413)
            #expect(responses[0].headers["Connection"] == "close")
            #expect(clock.now - start < .seconds(2))
            await client.close()
        }
    }

    @Test func malformedRequestsGetTheirStatusOverTheWire() async throws {
        var configuration = HTTPServerConfiguration()
        configuration.maxRequestLineLength = 100
        let cases: [(String, Int)] = [
            ("GET /\(String(repeating: "a", count: 200)) HTTP/1.1\r\nHost: t\r\n\r\n", 414),
            ("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
            ("GET / HTTP/1.1\r\nHost: t\r\n" + String(repeating: "X-A: b\r\n", count: 101) + "\r\n", 431),
            ("GET /ws HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 7\r\n\r\n", 426),
        ]
        try await withServer(configuration: configuration) { _, port in
            for (request, status) in cases {
                let client = try await HTTPClient.connect(port: port, configuration: shortClientConfiguration())
                let responses = try await client.exchange(raw: Array(request.utf8), headRequests: [false])
                #expect(responses[0].status == status)
                await client.close()
            }
        }
    }

    @Test func slowHeadersTimeOutWithoutStarvingOthers() async throws {
        var configuration = HTTPServerConfiguration()
        configuration.headerReadTimeout = .milliseconds(300)
        try await withServer(configuration: configuration) { _, port in
            let slow = try await HTTPClient.connect(port: port, configuration: shortClientConfiguration())
            let clock = ContinuousClock()
            let start = clock.now
            async let answer = slow.exchange(raw: Array("GET / HTTP/1.1\r\n".utf8), headRequests: [false])
            // Trickling bytes must not extend the deadline, and others are served meanwhile.
            let other = try await HTTPClient.connect(port: port, configuration: shortClientConfiguration())
            for index in 0..<5 {
                _ = try? await slow.exchange(raw: Array("X-\(index): y\r\n".utf8), headRequests: [])
                #expect(try await other.get("/fast").status == 200)
                try await Task.sleep(for: .milliseconds(100))
            }
            let responses = try await answer
            #expect(responses[0].status == 408)
            #expect(clock.now - start < .seconds(2))
            await slow.close()
            await other.close()
        }
    }

    @Test func idleConnectionsAreClosed() async throws {
        var configuration = HTTPServerConfiguration()
        configuration.idleTimeout = .milliseconds(200)
        try await withServer(configuration: configuration) { server, port in
            let client = try await HTTPClient.connect(port: port, configuration: shortClientConfiguration())
            #expect(try await client.get("/").status == 200)
            try await Task.sleep(for: .milliseconds(600))
            await #expect(throws: TransportError.self) { _ = try await client.get("/again") }
            #expect(server.connectionCount == 0)
        }
    }

    @Test func webSocketEchoAndCloseHandshake() async throws {
        try await withServer(upgradeHandler: echoUpgrade) { _, port in
            let socket = try await WebSocketClient.connect(
                port: port, target: "/echo", subprotocols: ["other", "echo"],
                clientConfiguration: shortClientConfiguration())
            #expect(socket.subprotocol == "echo")
            let big = (0..<200_000).map { UInt8($0 % 251) }
            try socket.send(text: "héllo")
            try socket.send(binary: big)
            try socket.ping(payload: [1])
            var iterator = socket.messages.makeAsyncIterator()
            #expect(await iterator.next() == .text("héllo"))
            #expect(await iterator.next() == .binary(big))
            let info = await socket.close(code: .normal, reason: "done")
            #expect(info.code == .normal)
            #expect(await iterator.next() == nil)
            #expect(throws: WebSocketSendError.self) { try socket.send(text: "late") }
        }
    }

    @Test func receiveMessagesHandsOverQueuedThenLiveMessagesInOrder() async throws {
        try await withServer(upgradeHandler: echoUpgrade) { _, port in
            let socket = try await WebSocketClient.connect(
                port: port, target: "/echo", clientConfiguration: shortClientConfiguration())
            // the first ten echoes may already wait in the inbox when the handler is set; the rest arrive after
            for index in 0..<10 { try socket.send(text: "m\(index)") }
            try await Task.sleep(nanoseconds: 50_000_000)
            let received = Mutex<[String]>([])
            socket.receiveMessages { message in
                if case .text(let text) = message { received.withLock { $0.append(text) } }
            }
            for index in 10..<200 { try socket.send(text: "m\(index)") }
            let deadline = ContinuousClock.now + .seconds(10)
            while received.withLock({ $0.count }) < 200, ContinuousClock.now < deadline {
                try await Task.sleep(nanoseconds: 10_000_000)
            }
            #expect(received.withLock { $0 } == (0..<200).map { "m\($0)" })
            _ = await socket.close(code: .normal, reason: "done")
            // why: with a handler, `messages` yields nothing and ends when the connection does
            var iterator = socket.messages.makeAsyncIterator()
            #expect(await iterator.next() == nil)
        }
    }

    @Test func sendsFromTheLoopThreadAndFromTasksKeepTheirOrder() async throws {
        // why: a send made on the connection's own loop thread goes to the socket at once; it must still come after
        // sends made earlier from other threads that are queued to the loop
        let upgrade: HTTPServer.UpgradeHandler = { _ in
            .accept { connection in
                let loop = connection.eventLoop
                for index in 0..<300 {
                    if index % 3 == 0 {
                        loop.execute { try? connection.send(text: "n\(index)") }
                    } else {
                        try? connection.send(text: "n\(index)")
                    }
                }
                for await _ in connection.messages {}
            }
        }
        try await withServer(upgradeHandler: upgrade) { _, port in
            let socket = try await WebSocketClient.connect(
                port: port, target: "/", clientConfiguration: shortClientConfiguration())
            var received: [String] = []
            for await message in socket.messages {
                if case .text(let text) = message { received.append(text) }
                if received.count == 300 { break }
            }
            #expect(received.count == 300)
            let numbers = received.compactMap { Int($0.dropFirst()) }
            // sends from the loop may overtake queued ones only if they were made later; the loop-thread sends
            // themselves and the task's own sends must each stay in order
            #expect(numbers.filter { $0 % 3 == 0 } == Array(stride(from: 0, to: 300, by: 3)))
            #expect(numbers.filter { $0 % 3 != 0 } == (0..<300).filter { $0 % 3 != 0 })
            _ = await socket.close(code: .normal)
        }
    }

    @Test func clientMeasurementOptionsStampMessagesWithTheKernelReceiveTime() async throws {
        try await withServer(upgradeHandler: echoUpgrade) { _, port in
            var client = shortClientConfiguration()
            client.kernelReceiveTimestamps = true
            client.delayedAcknowledgements = true
            let socket = try await WebSocketClient.connect(port: port, target: "/echo", clientConfiguration: client)
            let stamps = Mutex<[(sent: Int64, kernel: Int64, handled: Int64)]>([])
            let sentAt = Mutex<[String: Int64]>([:])
            socket.receiveMessages { message in
                guard case .text(let text) = message else { return }
                let handled = Self.wallMicros()
                let sent = sentAt.withLock { $0[text] } ?? 0
                stamps.withLock { $0.append((sent, socket.lastReceivedMicros, handled)) }
            }
            for index in 0..<20 {
                sentAt.withLock { $0["s\(index)"] = Self.wallMicros() }
                try socket.send(text: "s\(index)")
                try await Task.sleep(nanoseconds: 5_000_000)
            }
            let deadline = ContinuousClock.now + .seconds(10)
            while stamps.withLock({ $0.count }) < 20, ContinuousClock.now < deadline {
                try await Task.sleep(nanoseconds: 10_000_000)
            }
            let all = stamps.withLock { $0 }
            #expect(all.count == 20, "delayed acknowledgements do not hold messages back")
            // why: the kernel turns timestamping on asynchronously, so the first replies may carry none (0)
            let stamped = all.filter { $0.kernel > 0 }
            #expect(stamped.count >= 15)
            for stamp in stamped {
                #expect(stamp.kernel >= stamp.sent, "the kernel received the echo after it was sent")
                #expect(stamp.kernel <= stamp.handled, "and before the handler saw it")
            }
            _ = await socket.close(code: .normal)
        }
    }

    private static func wallMicros() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1_000
    }

    @Test func nextMessageWakesAReaderWhenMessagesWaitAndWhenTheConnectionEnds() async throws {
        let runs = Atomic<Int>(0)
        let sawEnd = Atomic<Bool>(false)
        try await withServer(upgradeHandler: { _ in
            .accept { connection in
                // why: echoes what waits, then leaves it to the wake-up to run again; no task waits meanwhile
                @Sendable func echoWaiting() {
                    runs.wrappingAdd(1, ordering: .relaxed)
                    while let message = connection.nextMessage(orWake: { echoWaiting() }) {
                        if case .text(let text) = message { try? connection.send(text: text) }
                    }
                    if connection.closeInfo != nil { sawEnd.store(true, ordering: .relaxed) }
                }
                echoWaiting()
                _ = await connection.closed()
            }
        }) { _, port in
            let socket = try await WebSocketClient.connect(
                port: port, target: "/", clientConfiguration: shortClientConfiguration())
            var iterator = socket.messages.makeAsyncIterator()
            for round in 0..<3 {
                for index in 0..<50 { try socket.send(text: "r\(round)m\(index)") }
                for index in 0..<50 { #expect(await iterator.next() == .text("r\(round)m\(index)")) }
            }
            _ = await socket.close(code: .normal, reason: "done")
            let deadline = ContinuousClock.now + .seconds(5)
            while !sawEnd.load(ordering: .relaxed), ContinuousClock.now < deadline {
                try await Task.sleep(nanoseconds: 10_000_000)
            }
            let ended = sawEnd.load(ordering: .relaxed)
            let count = runs.load(ordering: .relaxed)
            #expect(ended, "the end wakes the reader, which then gets nil")
            #expect((3...152).contains(count))
        }
    }

    @Test func serverCloseCodesReachTheClient() async throws {
        let serverSaw = Mutex<WebSocketCloseInfo?>(nil)
        try await withServer(upgradeHandler: { request in
            .accept { connection in
                if request.path == "/bye" {
                    await connection.close(code: WebSocketCloseCode(rawValue: 4001), reason: "bye")
                    return
                }
                for await _ in connection.messages {}
                let info = await connection.closed()
                serverSaw.withLock { $0 = info }
            }
        }) { _, port in
            let bye = try await WebSocketClient.connect(port: port, target: "/bye")
            for await _ in bye.messages {}
            let info = await bye.closed()
            #expect(info.code.rawValue == 4001 && info.reason == "bye" && !info.initiatedLocally)

            let client = try await WebSocketClient.connect(port: port, target: "/stay")
            await client.close(code: .normal)
            try await Task.sleep(for: .milliseconds(100))
            #expect(serverSaw.withLock { $0?.code } == .normal)
        }
    }

    @Test func refusedUpgradeFailsTheClient() async throws {
        try await withServer(upgradeHandler: echoUpgrade) { _, port in
            await #expect(throws: TransportError.self) {
                _ = try await WebSocketClient.connect(port: port, target: "/forbidden")
            }
        }
    }

    @Test func shutdownClosesWebSocketsWith1001() async throws {
        let server = HTTPServer(handler: { _ in HTTPResponse(status: 200) }, upgradeHandler: echoUpgrade)
        let port = try await server.start(port: 0)
        let socket = try await WebSocketClient.connect(port: port, target: "/echo")
        try socket.send(text: "ping")
        var iterator = socket.messages.makeAsyncIterator()
        #expect(await iterator.next() == .text("ping"))
        await server.shutdown(closeCode: .goingAway)
        let info = await socket.closed()
        #expect(info.code == .goingAway)
        #expect(server.connectionCount == 0)
        await #expect(throws: TransportError.self) { _ = try await HTTPClient.connect(port: port) }
    }

    @Test func slowReaderIsClosedWith1008() async throws {
        var configuration = HTTPServerConfiguration()
        configuration.webSocket.maxOutboundBufferedBytes = 256 * 1024
        let sendFailure = Mutex<WebSocketSendError?>(nil)
        let chunk = [UInt8](repeating: 42, count: 64 * 1024)
        try await withServer(configuration: configuration, upgradeHandler: { _ in
            .accept { connection in
                for _ in 0..<2_000 {
                    do throws(WebSocketSendError) {
                        try connection.send(binary: chunk)
                    } catch {
                        sendFailure.withLock { $0 = error }
                        break
                    }
                    // Yield now and then so the loop thread and the client can make progress.
                    await Task.yield()
                }
                _ = await connection.closed()
            }
        }) { _, port in
            var clientConfiguration = WebSocketConfiguration()
            clientConfiguration.maxInboundBufferedBytes = 64 * 1024
            clientConfiguration.maxMessageSize = 1024 * 1024
            let socket = try await WebSocketClient.connect(port: port, target: "/", configuration: clientConfiguration)
            // Do not read until the server has given up on us.
            for _ in 0..<200 where sendFailure.withLock({ $0 }) == nil {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(sendFailure.withLock { $0?.code } == .outboundBufferLimitExceeded)
            var received = 0
            for await message in socket.messages {
                if case .binary(let bytes) = message { received += bytes.count }
            }
            #expect(received > 0)
            #expect(socket.closeInfo?.code == .policyViolation)
        }
    }

    @Test func ipv6Loopback() async throws {
        try await withServer(host: "::1") { server, port in
            #expect(server.localAddresses.first?.description == "[::1]:\(port)")
            let client = try await HTTPClient.connect(
                host: "::1", port: port, configuration: shortClientConfiguration())
            #expect(try await client.get("/six").status == 200)
            await client.close()
        }
    }
}
