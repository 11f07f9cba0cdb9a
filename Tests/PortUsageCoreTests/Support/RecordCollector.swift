import PortUsageCore

/// A consumer that keeps every record it is given, in order.
struct RecordCollector: SocketRecordConsumer {
    var records: [SocketRecord] = []

    mutating func consume(_ record: SocketRecord) {
        records.append(record)
    }
}
