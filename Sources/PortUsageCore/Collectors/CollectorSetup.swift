public import Logging

/// What a collector's factory is given: the collection's settings and the shared means to log, from
/// which each collector makes and keeps the state it owns.
public struct CollectorSetup: Sendable {
    /// The collection's settings: which collectors run, the tables, the bounds.
    public var options: CollectorOptions
    /// Where procfs is mounted.
    public var procRoot: String
    /// The owners collector's resolver (its caches live as long as the collector).
    public var owners: OwnerResolver
    /// How the netns collector finds namespaces.
    public var namespaceScanner: NamespaceScanner
    /// The exporter's own process metrics.
    public var processMetrics: ProcessMetrics
    /// The level of the one line saying that other users' process names are not readable (debug for the
    /// one-shot commands).
    public var privilegeNoticeLevel: Logger.Level
    /// Logs a problem once until it changes.
    let log: RepeatSuppressingLog
    /// What to tell the user when something fails for want of a flag.
    let advice: CollectionAdvice
    /// The label text of the listener series, shared by the collectors whose series have a listener key's
    /// labels.
    let listenerLabels = ListenerLabelSets()

    public init(
        options: CollectorOptions = CollectorOptions(), procRoot: String = HostPaths.standard.procfs,
        owners: OwnerResolver = OwnerResolver(), namespaceScanner: NamespaceScanner = NamespaceScanner(),
        processMetrics: ProcessMetrics = ProcessMetrics(), privilegeNoticeLevel: Logger.Level = .warning,
        logger: Logger, advice: @escaping CollectionAdvice = { _ in nil }
    ) {
        self.options = options
        self.procRoot = procRoot
        self.owners = owners
        self.namespaceScanner = namespaceScanner
        self.processMetrics = processMetrics
        self.privilegeNoticeLevel = privilegeNoticeLevel
        log = RepeatSuppressingLog(logger: logger)
        self.advice = advice
    }
}
