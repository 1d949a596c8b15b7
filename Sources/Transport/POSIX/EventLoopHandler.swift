/// Receives readiness for one descriptor. Called only on the owning loop's thread.
protocol EventLoopHandler: AnyObject {
    /// `events` is the raw epoll mask (`SystemCall.epollIn`, `epollOut`, `epollError`, ...).
    func handleEvents(_ events: UInt32)
}
