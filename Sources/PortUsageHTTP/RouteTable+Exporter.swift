import NIOHTTP1

extension RouteTable {
    /// The exporter's routes: the metrics at `telemetryPath`, the landing page, health, readiness and the
    /// reload, which alone takes `POST`; the others take `GET` and `HEAD`, as do the paths answered 404.
    /// Listed in the order that decides a telemetry path configured as one of the others.
    static func exporter(telemetryPath: String, scrapes: ScrapeEndpoints, lifecycle: LifecycleEndpoints)
        -> RouteTable
    {
        let read: [HTTPMethod] = [.GET, .HEAD]
        return RouteTable(
            [
                Route(path: "/-/reload", methods: [.POST], handle: lifecycle.reload),
                Route(path: telemetryPath, methods: read, handle: scrapes.metrics),
                Route(path: "/", methods: read, handle: scrapes.landing),
                Route(path: "/-/healthy", methods: read, handle: lifecycle.healthy),
                Route(path: "/-/ready", methods: read, handle: lifecycle.ready),
            ], otherPaths: read)
    }
}
