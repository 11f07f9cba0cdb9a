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
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        .target(name: "CBuildInfo"),
        .target(name: "CNamespaces"),
        .target(name: "CRelocations"),
        // libyaml (yaml.h in /usr/include, -lyaml from the module map), without pkg-config: its
        // -L/usr/lib/<triplet> would come before the release link's --sysroot directories and bind the
        // binary to this machine's glibc (see scripts/lib.sh).
        .systemLibrary(name: "CYAML", providers: [.apt(["libyaml-dev"])]),
        // libcurl's header only, without pkg-config: pkg-config's -lcurl would make libcurl (and the ~30
        // libraries it pulls in, 6 MiB resident) a load-time dependency. CurlShim dlopens libcurl.so.4 on
        // the first push instead, so an exporter that never pushes never maps it.
        .systemLibrary(name: "CCurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .target(
            name: "PortUsageCore",
            dependencies: ["CNamespaces", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSwift
        ),
        .target(
            name: "PortUsageHTTP",
            dependencies: [
                "PortUsageCore",
                "PortUsageWebConfig",
                "PortUsageYAML",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPCompression", package: "swift-nio-extras"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSwift
        ),
        .target(name: "CurlShim", dependencies: ["CCurl"]),
        // libxcrypt's crypt_r, for bcrypt in basic auth (crypt.h, Debian libcrypt-dev; Glibc exposes only
        // non-reentrant crypt), dlopened on first use like libcurl: libxcrypt is LGPL and not on every host.
        .target(name: "CryptShim"),
        // The one libcurl HTTP client, shared by the Pushgateway sink and `policy generate --from-prometheus`.
        .target(
            name: "PortUsageCurl", dependencies: ["CurlShim", "PortUsageCore"], swiftSettings: strictSwift),
        .target(
            name: "PortUsagePush",
            dependencies: [
                "PortUsageCurl", "PortUsageCore", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift
        ),
        // libyaml into a node tree with lines and columns, and the typed reading of it that the policy
        // and the web configuration share.
        .target(name: "PortUsageYAML", dependencies: ["CYAML"], swiftSettings: strictSwift),
        .target(
            name: "PortUsagePolicy",
            dependencies: ["PortUsageYAML", "PortUsageCore"],
            swiftSettings: strictSwift
        ),
        .target(
            name: "PortUsageWebConfig",
            dependencies: ["CryptShim", "PortUsageCore", "PortUsageYAML"],
            swiftSettings: strictSwift
        ),
        .executableTarget(
            name: "PortUsageExporter",
            dependencies: [
                "CBuildInfo",
                "CRelocations",
                "PortUsageCore",
                "PortUsageHTTP",
                "PortUsageCurl",
                "PortUsagePush",
                "PortUsagePolicy",
                "PortUsageWebConfig",
                "PortUsageYAML",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
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
            // Measures the built binaries from outside, so it builds whatever the core's API is.
            path: "Benchmarks/PortUsageBenchmark",
            swiftSettings: strictSwift
        ),
        .executableTarget(
            name: "FuzzProcNet", dependencies: ["PortUsageCore"], path: "Fuzz/FuzzProcNet",
            swiftSettings: strictSwift),
        .executableTarget(
            name: "FuzzSockDiag", dependencies: ["PortUsageCore"], path: "Fuzz/FuzzSockDiag",
            swiftSettings: strictSwift),
        .executableTarget(
            name: "FuzzCgroupPath", dependencies: ["PortUsageCore"], path: "Fuzz/FuzzCgroupPath",
            swiftSettings: strictSwift),
        .executableTarget(
            name: "FuzzPolicyYAML", dependencies: ["PortUsagePolicy", "PortUsageYAML", "PortUsageCore"],
            path: "Fuzz/FuzzPolicyYAML",
            swiftSettings: strictSwift),
        .executableTarget(
            name: "FuzzHTTPRequest",
            dependencies: [
                "PortUsageHTTP", "PortUsageCore", "PortUsageTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Fuzz/FuzzHTTPRequest", exclude: ["HTTPRequest.dict"], swiftSettings: strictSwift),
        .executableTarget(
            name: "FuzzWebConfig", dependencies: ["PortUsageWebConfig", "PortUsageYAML"],
            path: "Fuzz/FuzzWebConfig",
            swiftSettings: strictSwift),
        .executableTarget(
            name: "FuzzPrometheusJSON", dependencies: ["PortUsagePolicy", "PortUsageCore"],
            path: "Fuzz/FuzzPrometheusJSON", swiftSettings: strictSwift),
        .executableTarget(
            name: "FuzzRegistryCSV", dependencies: ["PortUsageCore"], path: "Fuzz/FuzzRegistryCSV",
            swiftSettings: strictSwift),
        .target(
            name: "PortUsageTestSupport", dependencies: ["PortUsageCore"], path: "Tests/PortUsageTestSupport",
            swiftSettings: strictSwift),
        .testTarget(
            name: "PortUsageCoreTests",
            dependencies: ["PortUsageCore", "PortUsageTestSupport"],
            exclude: ["Fixtures"],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "PortUsageHTTPTests",
            dependencies: [
                "PortUsageHTTP",
                "PortUsageCore",
                "PortUsageTestSupport",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "PortUsagePushTests",
            dependencies: ["PortUsagePush", "PortUsageCurl", "PortUsageCore"],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "PortUsagePolicyTests",
            dependencies: ["PortUsagePolicy", "PortUsageYAML", "PortUsageCore"],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "PortUsageExporterTests",
            dependencies: [
                "PortUsageExporter", "PortUsageCore", "PortUsageTestSupport", "CRelocations",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            exclude: ["Help"],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "PortUsageWebConfigTests",
            dependencies: ["PortUsageWebConfig", "PortUsageYAML", "PortUsageTestSupport"],
            swiftSettings: strictSwift
        ),
    ]
)
