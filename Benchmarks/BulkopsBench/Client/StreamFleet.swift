import Transport

/// Opens many stream connections with a bounded number of handshakes in flight, stopping at a deadline, and
/// reports how the handshakes went.
struct StreamFleet: Sendable {
    var connections: [StreamConnection]
    var handshakes: LatencyHistogram
    var failures: Int
    var firstFailure: String?
    var seconds: Double

    /// Connections opened per second over the whole opening.
    var rate: Double { seconds > 0 ? Double(connections.count) / seconds : 0 }

    static func open(_ count: Int, to target: ServerTarget, inFlight: Int, deadline: Double,
                     delayedAcknowledgements: Bool = false, eventLoopGroup: EventLoopGroup = .shared,
                     progress: ProgressLine) async -> StreamFleet {
        let started = WallClock.seconds()
        var fleet = StreamFleet(connections: [], handshakes: LatencyHistogram(), failures: 0, firstFailure: nil,
                                seconds: 0)
        fleet.connections.reserveCapacity(count)
        await withTaskGroup(of: Result<StreamConnection, any Error>?.self) { group in
            var launched = 0
            while launched < count || !group.isEmpty {
                // why: keep `inFlight` handshakes going; a burst of thousands would only overflow the listen backlog
                while launched < count && launched - (fleet.connections.count + fleet.failures) < max(1, inFlight) {
                    launched += 1
                    group.addTask {
                        guard WallClock.seconds() < deadline else { return nil }
                        do {
                            return .success(try await StreamConnection.open(
                                target, delayedAcknowledgements: delayedAcknowledgements,
                                eventLoopGroup: eventLoopGroup))
                        } catch {
                            return .failure(error)
                        }
                    }
                }
                guard let result = await group.next() else { break }
                switch result {
                case .success(let connection)?:
                    fleet.connections.append(connection)
                    fleet.handshakes.record(connection.handshakeMicros)
                    if fleet.connections.count % 250 == 0 {
                        progress.update("opened \(fleet.connections.count)/\(count) stream connections")
                    }
                case .failure(let error)?:
                    fleet.failures += 1
                    if fleet.firstFailure == nil { fleet.firstFailure = "\(error)" }
                case nil:
                    fleet.failures += 1
                    if fleet.firstFailure == nil { fleet.firstFailure = "the time limit was reached while opening" }
                }
            }
        }
        fleet.seconds = WallClock.seconds() - started
        return fleet
    }
}
