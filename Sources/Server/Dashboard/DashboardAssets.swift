import Transport

/// The dashboard's static files (`GET /`, `/dashboard.css`, `/dashboard.js`): generated from Swift string literals so
/// the page needs no resources, no build step and no network beyond this server. They carry no data; everything
/// the page shows comes from `/v1` with the user's token.
enum DashboardAssets {
    /// The asset at `path`, or nil when the path is not one of the dashboard's.
    static func response(for path: String) -> HTTPResponse? {
        switch path {
        case "/", "/index.html", "/dashboard", "/dashboard/":
            return asset(DashboardPage.html, type: "text/html; charset=utf-8")
        case "/dashboard.css":
            return asset(DashboardStyle.css, type: "text/css; charset=utf-8")
        case "/dashboard.js":
            return asset(DashboardScript.source, type: "text/javascript; charset=utf-8")
        default:
            return nil
        }
    }

    /// Only this server's own files and stream: no inline script, no third-party origin, never framed.
    static let contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; "
        + "img-src 'self' data: blob:; connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; "
        + "frame-ancestors 'none'"

    private static func asset(_ text: String, type: String) -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: type)
        headers.add(name: "Cache-Control", value: "no-cache")
        headers.add(name: "X-Content-Type-Options", value: "nosniff")
        headers.add(name: "Referrer-Policy", value: "no-referrer")
        headers.add(name: "Content-Security-Policy", value: contentSecurityPolicy)
        return HTTPResponse(status: 200, headers: headers, body: Array(text.utf8))
    }
}
