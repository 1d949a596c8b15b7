import Foundation
import Orchestrator
import Transport

/// Decides on WebSocket upgrades: `/v1/stream` (and `/v1/echo` when enabled) for a valid token, and for browsers
/// only from the server's own origin or an allowed one.
struct StreamUpgrade: Sendable {
    let router: APIRouter
    let supervisor: JobSupervisor
    let echo: Bool
    let allowedOrigins: [String]
    let version: String
    /// Shared by every stream connection, so each event is encoded once.
    let frames = EventFrameCache()
    /// Shared by every stream connection, so each event loop gets one batch per event.
    let lanes = EventLoopLanes()
    var streamConfiguration = StreamSession.Configuration()

    func decide(_ request: HTTPRequest) async -> WebSocketUpgradeDecision {
        let isStream = request.path == "/v1/stream"
        let isEcho = echo && request.path == "/v1/echo"
        guard isStream || isEcho else { return .refuse(APIError.notFound("no WebSocket endpoint \(request.path)").response) }
        let token: AccessToken
        do {
            token = try await router.authenticate(request, allowQueryToken: true)
        } catch {
            return .refuse(error.response)
        }
        _ = token
        if let origin = request.headers["Origin"], !originAllowed(origin, host: request.headers["Host"]) {
            return .refuse(APIError.forbidden("origin \(origin) may not open the stream").response)
        }
        if isEcho { return .accept { await EchoSession.run($0) } }
        let supervisor = self.supervisor
        let version = self.version
        let configuration = streamConfiguration
        let frames = self.frames
        let lane = lanes
        return .accept { connection in
            await StreamSession(connection: connection, supervisor: supervisor, version: version, frames: frames,
                                lane: lane.lane(for: connection.eventLoop), configuration: configuration).run()
        }
    }

    private func originAllowed(_ origin: String, host: String?) -> Bool {
        if allowedOrigins.contains(origin) { return true }
        guard let host, let url = URL(string: origin), let originHost = url.host else { return false }
        let originAuthority = url.port.map { "\(originHost):\($0)" } ?? originHost
        return originAuthority.lowercased() == host.lowercased()
    }
}
