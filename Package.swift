// swift-tools-version: 6.1
import Foundation
import PackageDescription

/// Revision and toolchain of this build, baked into `port_usage_exporter_build_info` and `--version`.
/// Read from the checkout's `.git` without running git, so a plain `swift build` gets it too.
let buildInfoDefines: [CSetting] = {
    func read(_ path: String) -> String? {
        (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }
    let root = Context.packageDirectory
    var revision = "unknown"
    if let head = read(root + "/.git/HEAD") {
        if head.hasPrefix("ref: ") {
            let ref = String(head.dropFirst(5))
            if let loose = read(root + "/.git/" + ref) {
                revision = loose
            } else if let packed = read(root + "/.git/packed-refs") {
                for line in packed.split(separator: "\n") where line.hasSuffix(" " + ref) {
                    revision = String(line.prefix(40))
                }
            }
        } else {
            revision = head
        }
    }
    revision = String(revision.prefix(12))
    #if compiler(>=6.4)
        let swiftVersion = "6.4+"
    #elseif compiler(>=6.3.1)
        let swiftVersion = "6.3.1"
    #elseif compiler(>=6.3)
        let swiftVersion = "6.3"
    #else
        let swiftVersion = "6.1+"
    #endif
    return [
        .define("PUE_REVISION", to: "\"\(revision)\""),
        .define("PUE_SWIFT_VERSION", to: "\"\(swiftVersion)\""),
    ]
}()

let strictSwift: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "port_usage_exporter",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "port_usage_exporter", targets: ["PortUsageExporter"]),
        .library(name: "PortUsageCore", targets: ["PortUsageCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
    ],
    targets: [
        .target(name: "CBuildInfo", cSettings: buildInfoDefines),
        .target(
            name: "PortUsageCore",
            dependencies: [.product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSwift
        ),
        .target(
            name: "PortUsageHTTP",
            dependencies: [
                "PortUsageCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPCompression", package: "swift-nio-extras"),
            ],
            swiftSettings: strictSwift
        ),
        .executableTarget(
            name: "PortUsageExporter",
            dependencies: [
                "CBuildInfo",
                "PortUsageCore",
                "PortUsageHTTP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift
        ),
        .executableTarget(
            name: "RegistryGenerator",
            dependencies: ["PortUsageCore"],
            swiftSettings: strictSwift
        ),
        .executableTarget(
            name: "PortUsageBenchmark",
            dependencies: ["PortUsageCore"],
            path: "Benchmarks/PortUsageBenchmark",
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "PortUsageCoreTests",
            dependencies: ["PortUsageCore"],
            resources: [.copy("Fixtures")],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "PortUsageHTTPTests",
            dependencies: [
                "PortUsageHTTP",
                "PortUsageCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strictSwift
        ),
    ]
)
