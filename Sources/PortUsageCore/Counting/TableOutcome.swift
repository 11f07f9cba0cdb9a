/// How one read of one table went during a collection.
public struct TableOutcome: Sendable, Equatable {
    public var table: SocketTable
    /// What the read asked for; a source that reads whole tables reports ``SocketSelection/everything``.
    public var selection: SocketSelection
    /// The source that read it.
    public var source: SocketSourceKind
    public var result: Result<TableReadReport, SocketSourceError>
    /// Wall time of the read, in seconds.
    public var durationSeconds: Double

    public init(
        table: SocketTable, selection: SocketSelection, source: SocketSourceKind,
        result: Result<TableReadReport, SocketSourceError>, durationSeconds: Double
    ) {
        self.table = table
        self.selection = selection
        self.source = source
        self.result = result
        self.durationSeconds = durationSeconds
    }

    /// The error, unless the read succeeded or the host lacks the table (a skip).
    public var failure: SocketSourceError? {
        guard case .failure(let error) = result, !error.isUnavailable else { return nil }
        return error
    }

    /// Whether the host lacks the table.
    public var isUnavailable: Bool {
        guard case .failure(let error) = result else { return false }
        return error.isUnavailable
    }

    /// Whether the read gave this table's listeners.
    public var coversListeners: Bool {
        switch selection {
        case .listeners, .everything: true
        case .connections: false
        }
    }
}
