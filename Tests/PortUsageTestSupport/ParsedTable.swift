public import PortUsageCore

/// A listener's port and exposure: the key of a one-table count.
public struct PortExposure: Hashable, Sendable {
    public var port: UInt16
    public var exposure: Exposure

    public init(port: UInt16, exposure: Exposure) {
        self.port = port
        self.exposure = exposure
    }
}

/// One table parsed alone, counted the way the exporter counts it.
public struct ParsedTable: Equatable, Sendable {
    /// Listeners by port and exposure.
    public var listeners: [PortExposure: Int] = [:]
    /// Every socket by state.
    public var states: [SocketState: Int] = [:]
    /// Lines skipped.
    public var skippedLines = 0
    /// The records, in order.
    public var records: [SocketRecord] = []

    public init() {}

    /// Counts records through ``SocketCounter`` and keeps them.
    public struct Builder: SocketRecordConsumer {
        var counter = SocketCounter(countsConnections: true)
        var records: [SocketRecord] = []

        public init() {}

        public mutating func consume(_ record: SocketRecord) {
            counter.consume(record)
            records.append(record)
        }

        /// The table's counts and records.
        public func finish(report: TableReadReport) -> ParsedTable {
            let counts = counter.finish()
            var table = ParsedTable()
            for (key, count) in counts.listeners {
                table.listeners[PortExposure(port: key.port, exposure: key.exposure), default: 0] += Int(
                    count)
            }
            for states in counts.states.values {
                table.states.merge(states, uniquingKeysWith: +)
            }
            table.skippedLines = report.skipped
            table.records = records
            return table
        }
    }
}

/// A consumer that keeps every record it is given.
public struct RecordList: SocketRecordConsumer, Sendable {
    public var records: [SocketRecord] = []

    public init() {}

    public mutating func consume(_ record: SocketRecord) {
        records.append(record)
    }
}
