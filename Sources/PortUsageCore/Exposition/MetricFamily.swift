/// The type of a metric family.
public enum MetricType: String, Sendable {
    case gauge
    case counter
}

/// One label of a sample.
public struct Label: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// One sample of a family: its labels and value.
public struct Sample: Sendable, Equatable {
    /// The labels with their exposition text.
    public let labelSet: LabelSet
    public var value: Double

    /// The labels in exposition order.
    public var labels: [Label] { labelSet.labels }

    public init(labels: [Label] = [], value: Double) {
        self.init(labelSet: LabelSet(labels), value: value)
    }

    /// A sample with labels rendered before, such as a ``LabelSetCache`` keeps across scrapes.
    public init(labelSet: LabelSet, value: Double) {
        self.labelSet = labelSet
        self.value = value
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.labels == rhs.labels && lhs.value == rhs.value
    }
}

/// A metric family: name, help, type and samples, as they are exposed.
///
/// A counter's name ends in `_total` here, as in the Prometheus text format; the OpenMetrics encoder strips
/// it from the family name and keeps it on the samples.
public struct MetricFamily: Sendable, Equatable {
    public var name: String
    public var help: String
    public var type: MetricType
    public var samples: [Sample]

    public init(name: String, help: String, type: MetricType, samples: [Sample]) {
        self.name = name
        self.help = help
        self.type = type
        self.samples = samples
    }
}
