/// What a `SocketChannel` reports to the protocol code that owns it, on the loop thread.
protocol SocketChannelDelegate: AnyObject {
    /// Bytes arrived from the peer.
    func channelRead(_ channel: SocketChannel, bytes: [UInt8])
    /// The peer closed its sending side (read returned 0). Reading stops; the delegate must
    /// close the channel, possibly after a last write.
    func channelReadEnded(_ channel: SocketChannel)
    /// Every queued byte has been handed to the kernel.
    func channelFlushed(_ channel: SocketChannel)
    /// The descriptor is closed; called exactly once. `error` is nil for an orderly close.
    func channelClosed(_ channel: SocketChannel, error: SystemCallError?)
}
