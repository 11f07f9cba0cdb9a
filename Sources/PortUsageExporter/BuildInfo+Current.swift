import CBuildInfo
import PortUsageCore

extension BuildInfo {
    /// The release version of the exporter.
    static let releaseVersion = "0.1.0"

    /// This binary's version, git revision and Swift version (the latter two set by `Package.swift`).
    static let current = BuildInfo(
        version: releaseVersion, revision: String(cString: pue_build_revision()),
        swiftVersion: String(cString: pue_build_swift_version()))

    /// The `--version` text, in node_exporter's shape.
    static var versionText: String {
        "port_usage_exporter, version \(current.version) (revision: \(current.revision), swift: \(current.swiftVersion))"
    }
}
