/// One collector of the registry, in the spirit of node_exporter's `registerCollector(name,
/// defaultEnabled, factory)`: its name, whether it runs unless disabled, one line on what it exports (its
/// flag's help), and how it is made. What it reads is its own (``Collector/demand``).
public struct CollectorRegistration: Sendable {
    public let name: CollectorName
    public let isEnabledByDefault: Bool
    public let summary: String
    public let make: @Sendable (CollectorSetup) -> any Collector

    public init(
        _ name: CollectorName, enabledByDefault: Bool, summary: String,
        make: @escaping @Sendable (CollectorSetup) -> any Collector
    ) {
        self.name = name
        self.isEnabledByDefault = enabledByDefault
        self.summary = summary
        self.make = make
    }
}

/// The collectors an exporter knows: their `--collector.<name>` flags, help and defaults come from here,
/// and a collection makes the enabled ones from here. A new collector is one file with its registration
/// and one line in ``standard``.
public struct CollectorRegistry: Sendable {
    /// The registrations, in the order their flags are listed.
    public let registrations: [CollectorRegistration]

    public init(_ registrations: [CollectorRegistration]) {
        self.registrations = registrations
    }

    /// The exporter's collectors.
    public static let standard = CollectorRegistry([
        ListenersCollector.registration,
        ConnectionsCollector.registration,
        ChangesCollector.registration,
        OwnersCollector.registration,
        SocketsCollector.registration,
        EphemeralCollector.registration,
        ProcessCollector.registration,
        NetnsCollector.registration,
        SaturationCollector.registration,
    ])

    /// This registry with `registration` added (or put in place of one of the same name).
    public func adding(_ registration: CollectorRegistration) -> CollectorRegistry {
        CollectorRegistry(registrations.filter { $0.name != registration.name } + [registration])
    }

    /// Every collector's name, in the registry's order.
    public var names: [CollectorName] { registrations.map(\.name) }

    /// The collectors that run unless disabled.
    public var defaults: Set<CollectorName> { Set(registrations.filter(\.isEnabledByDefault).map(\.name)) }

    /// The registration of `name`, if it is known.
    public func registration(_ name: CollectorName) -> CollectorRegistration? {
        registrations.first { $0.name == name }
    }
}
