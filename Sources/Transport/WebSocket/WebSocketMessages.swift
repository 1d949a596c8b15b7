/// The messages of one WebSocket connection, in arrival order; the sequence ends when the
/// connection closes (see `WebSocketConnection.closeInfo` for why). Meant for one consumer.
public struct WebSocketMessages: AsyncSequence, Sendable {
    public typealias Element = WebSocketMessage

    let inbox: WebSocketInbox

    /// Pulls the next message; nil once the connection is closed and the buffer is drained,
    /// or when the waiting task is cancelled.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let inbox: WebSocketInbox

        public mutating func next() async -> WebSocketMessage? {
            await inbox.next()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(inbox: inbox)
    }
}
