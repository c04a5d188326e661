/// The console's resources on the admin endpoint (same address, read-only): `/console` (status),
/// `/console/live` (one application's events), their scripts and style sheet, and
/// `/console/instances` (the drop-ins and the last reload, as JSON). The pages load nothing from
/// elsewhere, which the Content-Security-Policy enforces; the live page's WebSocket goes to the
/// http plugin's application API, authenticated with the application's credentials.
enum ConsoleRoutes {
    private static let policy = [
        ("Content-Security-Policy", "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; frame-ancestors 'none'"),
        ("X-Content-Type-Options", "nosniff"),
        ("Cache-Control", "no-store"),
    ]

    static func response(_ path: String, instances: ConsoleInstances, lastReload: ReloadResult?) -> AdminServer.Response? {
        switch path {
        case "/console", "/console/":
            return .init(status: 200, contentType: "text/html; charset=utf-8", body: ConsolePages.status, headers: policy)
        case "/console/live":
            return .init(status: 200, contentType: "text/html; charset=utf-8", body: ConsolePages.live, headers: policy)
        case "/console/style.css":
            return .init(status: 200, contentType: "text/css; charset=utf-8", body: ConsolePages.style, headers: policy)
        case "/console/status.js":
            return .init(status: 200, contentType: "text/javascript; charset=utf-8", body: ConsoleScripts.status, headers: policy)
        case "/console/live.js":
            return .init(status: 200, contentType: "text/javascript; charset=utf-8", body: ConsoleScripts.live, headers: policy)
        case "/console/instances":
            let reload = lastReload.map(\.json) ?? "null"
            return .init(status: 200, contentType: "application/json", body: "{\"instances\":\(instances.json),\"lastReload\":\(reload)}\n", headers: policy)
        default:
            return nil
        }
    }
}
