/// The outcome of a non-blocking call that may have nothing to do right now.
enum IOResult<Value> {
    /// The call did its work and returned this value.
    case processed(Value)
    /// The descriptor is not ready; wait for the next readiness event.
    case wouldBlock
}
