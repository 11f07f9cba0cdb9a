// swift-tools-version: 6.1
import PackageDescription

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
        .target(name: "CBuildInfo"),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
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
        .target(
            name: "PortUsagePush",
            dependencies: ["CCurl", "PortUsageCore", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSwift
        ),
        .executableTarget(
            name: "PortUsageExporter",
            dependencies: [
                "CBuildInfo",
                "PortUsageCore",
                "PortUsageHTTP",
                "PortUsagePush",
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
            dependencies: ["PortUsageCore", .product(name: "Logging", package: "swift-log")],
            path: "Benchmarks/PortUsageBenchmark",
            swiftSettings: strictSwift
        ),
        .executableTarget(
            name: "FuzzProcNet", dependencies: ["PortUsageCore"], path: "Fuzz/FuzzProcNet",
            swiftSettings: strictSwift),
        .executableTarget(
            name: "FuzzRegistryCSV", dependencies: ["PortUsageCore"], path: "Fuzz/FuzzRegistryCSV",
            swiftSettings: strictSwift),
        .testTarget(
            name: "PortUsageCoreTests",
            dependencies: ["PortUsageCore"],
            exclude: ["Fixtures"],
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
        .testTarget(
            name: "PortUsagePushTests",
            dependencies: ["PortUsagePush", "PortUsageCore"],
            swiftSettings: strictSwift
        ),
    ]
)
