import PortUsageCore

/// The HTML page served on `/`: what this is, a link to the metrics, and the listeners found right now.
struct LandingPage: Sendable {
    /// The page loads nothing and runs no script: only its inline style is allowed.
    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    let buildInfo: BuildInfo
    let telemetryPath: String

    /// `unassigned` for a system or user port that IANA has not assigned, `unexpected` for a listener the
    /// policy does not expect, `queue-full` for one whose accept queue is at its limit, `dropping` for one
    /// that dropped since the last collection (its `saturation`).
    static func marks(of series: ListenerSeries, isUnexpected: Bool, saturation: ListenerSaturation?)
        -> [String]
    {
        var marks: [String] = []
        if series.classification?.isUnassignedOutsideDynamicRange == true { marks.append("unassigned") }
        if isUnexpected { marks.append("unexpected") }
        if saturation?.isQueueFull == true { marks.append("queue-full") }
        if let saturation, saturation.newDrops > 0 { marks.append("dropping") }
        return marks
    }

    /// The accept queue as `depth/limit`, or the depth alone when the limit is unknown (procfs).
    private static func queue(_ saturation: ListenerSaturation?) -> String {
        switch (saturation?.queue, saturation?.limit) {
        case (let queue?, let limit?): "\(queue)/\(limit)"
        case (let queue?, nil): String(queue)
        default: ""
        }
    }

    /// The distinct non-empty values, sorted, joined by commas.
    private static func distinct(_ values: [String]) -> String {
        Set(values.filter { !$0.isEmpty }).sorted().joined(separator: ", ")
    }

    func render(_ scrape: Scrape) -> String {
        let listeners = scrape.listeners
        let total = listeners.reduce(0) { $0 + $1.count }
        let unassignedSystem = listeners.filter {
            $0.classification?.range == .system && $0.classification?.assignment != .assigned
        }
        let failed = scrape.outcomes.filter { !$0.success }.map(\.collector)
        // A namespace column when the netns collector tells namespaces apart.
        let namespaced = listeners.contains { $0.netns != nil }
        let unexpected = scrape.judgement?.unexpectedSeries ?? []
        var rows = ""
        for (position, series) in listeners.enumerated() {
            let owners = scrape.owners.filter { $0.owns(series) }
            let saturation = scrape.saturation.indices.contains(position) ? scrape.saturation[position] : nil
            let marks = Self.marks(
                of: series, isUnexpected: unexpected.contains(position), saturation: saturation)
            let cells =
                (namespaced ? [series.netns ?? ""] : []) + [
                    series.port.description, series.transport.rawValue, series.family.rawValue,
                    series.exposure.rawValue,
                    series.classification?.service ?? "", series.classification?.range.rawValue ?? "other",
                    series.classification?.assignment.rawValue ?? "other", String(series.count),
                    Self.queue(saturation), saturation?.drops.map(String.init) ?? "",
                    Self.distinct(owners.map(\.user)), Self.distinct(owners.map(\.unit)),
                    Self.distinct(owners.map(\.process)), marks.joined(separator: ", "),
                ]
            let rowClass = marks.isEmpty ? "" : " class=\"\(marks.joined(separator: " "))\""
            rows += "<tr\(rowClass)>" + cells.map { "<td>\($0.htmlEscaped)</td>" }.joined() + "</tr>\n"
        }
        let path = telemetryPath.htmlEscaped
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><title>Port Usage Exporter</title>
            <style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}\
            td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}\
            tr.unassigned td{background:#fff3cd}tr.unexpected td{background:#f8d7da;font-weight:bold}\
            tr.queue-full td,tr.dropping td{background:#f8d7da}</style></head>
            <body>
            <h1>Port Usage Exporter</h1>
            <p>Version \(buildInfo.version.htmlEscaped) (revision \(buildInfo.revision.htmlEscaped), \
            Swift \(buildInfo.swiftVersion.htmlEscaped))</p>
            <p><a href="\(path)">Metrics</a> · <a href="/-/healthy">Health</a> · <a href="/-/ready">Ready</a></p>
            <h2>Listeners now</h2>
            <p>\(total) listening sockets on \(listeners.count) series; \(unassignedSystem.count) on system \
            ports that IANA has not assigned.\(failed.isEmpty ? "" : " Failed collectors: \(failed.joined(separator: ", ").htmlEscaped).")</p>
            <table>
            <tr>\(namespaced ? "<th>netns</th>" : "")<th>port</th><th>protocol</th><th>family</th><th>exposure</th><th>service</th><th>range</th>\
            <th>assignment</th><th>sockets</th><th>queue</th><th>drops</th><th>user</th><th>unit</th><th>process</th><th>notes</th></tr>
            \(rows)</table>
            </body>
            </html>

            """
    }
}
