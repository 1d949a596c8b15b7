/// The loop side of an `HTTPClient`: writes requests, matches responses to them in order,
/// and fails whatever is outstanding when the connection ends or a response is late.
final class HTTPClientChannelHandler: SocketChannelDelegate {
    private struct Pending {
        var isHeadRequest: Bool
        var completion: (Result<HTTPResponse, TransportError>) -> Void
    }

    private let channel: SocketChannel
    private let requestTimeout: Duration
    private var parser: HTTPResponseParser
    private var pending: [Pending] = []
    private var timer: TimerHandle?
    private var failure: TransportError?

    init(channel: SocketChannel, configuration: HTTPClientConfiguration) {
        self.channel = channel
        requestTimeout = configuration.requestTimeout
        parser = HTTPResponseParser(configuration: configuration)
    }

    var loop: EventLoop { channel.loop }

    /// Writes `bytes` and collects `headRequests.count` responses (one per request, in order).
    func exchange(
        _ bytes: [UInt8], headRequests: [Bool], completion: @escaping (Result<[HTTPResponse], TransportError>) -> Void
    ) {
        guard channel.isOpen else {
            completion(.failure(failure ?? TransportError(.connectionClosed, "the connection is closed")))
            return
        }
        if headRequests.isEmpty {
            channel.write(bytes)
            completion(.success([]))
            return
        }
        var responses: [HTTPResponse] = []
        var finished = false
        for isHead in headRequests {
            pending.append(Pending(isHeadRequest: isHead) { result in
                guard !finished else { return }
                switch result {
                case .failure(let error):
                    finished = true
                    completion(.failure(error))
                case .success(let response):
                    responses.append(response)
                    if responses.count == headRequests.count {
                        finished = true
                        completion(.success(responses))
                    }
                }
            })
        }
        if timer == nil { armTimer() }
        channel.write(bytes)
    }

    func close() {
        channel.close()
    }

    func channelRead(_ channel: SocketChannel, bytes: [UInt8]) {
        parser.append(bytes)
        while let first = pending.first {
            switch parser.next(isHeadRequest: first.isHeadRequest) {
            case .needMoreData:
                return
            case .failed(let error):
                fail(error)
                return
            case .response(let response):
                if (100...199).contains(response.status) && response.status != 101 { continue }
                pending.removeFirst()
                loop.cancel(timer)
                timer = nil
                if !pending.isEmpty { armTimer() }
                first.completion(.success(response))
            }
        }
    }

    func channelReadEnded(_ channel: SocketChannel) {
        if let response = parser.finishAtClose(), !pending.isEmpty {
            pending.removeFirst().completion(.success(response))
        }
        channel.close()
    }

    func channelFlushed(_ channel: SocketChannel) {}

    func channelClosed(_ channel: SocketChannel, error: SystemCallError?) {
        loop.cancel(timer)
        let reason = failure
            ?? error.map { TransportError($0) }
            ?? TransportError(.connectionClosed, "the server closed the connection")
        failure = reason
        let outstanding = pending
        pending = []
        for entry in outstanding { entry.completion(.failure(reason)) }
    }

    private func fail(_ error: TransportError) {
        failure = error
        channel.close()
    }

    private func armTimer() {
        timer = loop.schedule(after: requestTimeout) { [weak self] in
            guard let self else { return }
            self.timer = nil
            self.fail(TransportError(.timedOut, "no complete response within \(self.requestTimeout)"))
        }
    }
}
