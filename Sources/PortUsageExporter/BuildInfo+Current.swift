import CBuildInfo
import PortUsageCore

extension BuildInfo {
    /// This binary's version (the file `VERSION`), git revision and Swift version, stamped by
    /// `scripts/stamp-build-info.sh`.
    static let current = BuildInfo(
        version: String(cString: pue_build_version()), revision: String(cString: pue_build_revision()),
        swiftVersion: String(cString: pue_build_swift_version()))

    /// The `--version` text, in node_exporter's shape.
    static var versionText: String {
        "port_usage_exporter, version \(current.version) (revision: \(current.revision), swift: \(current.swiftVersion))"
    }
}
