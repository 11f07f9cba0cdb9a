/// Something a collection found wrong that the user can fix; the executable turns it into advice that names
/// its flags (the core never does), attached to the log line as `advice`.
public enum CollectionIssue: Sendable {
    /// More distinct listener ports than the cardinality limit.
    case tooManyPorts(TransportProtocol)
    /// A table could not be read.
    case tableFailed(SocketTable, SocketSourceError)
    /// A table had malformed lines or messages that were skipped.
    case malformedInput(SocketTable, SocketSourceKind)
    /// More network namespaces than the `netns` collector reads in one collection.
    case tooManyNamespaces
}

/// Advice for an issue, or nil.
public typealias CollectionAdvice = @Sendable (CollectionIssue) -> String?
