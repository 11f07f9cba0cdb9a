/// One network namespace of the host, found by ``NamespaceScanner``, and how it is named in the `netns`
/// label.
public struct NetworkNamespace: Sendable, Equatable {
    /// What the `netns` label of a namespace is made of.
    public enum Kind: String, Sendable, CaseIterable {
        /// The exporter's own namespace: `host`.
        case host
        /// A namespace with a name under `/run/netns` (`ip netns add`): the name.
        case named
        /// A Kubernetes pod's namespace: `pod:<pod UID>`, the `uid` of kube-state-metrics' `kube_pod_info`.
        case pod
        /// A container's namespace (Docker, containerd, CRI-O, Podman): `container:<first 12 digits of its
        /// id>`, as `docker ps` shows it.
        case container
        /// A namespace known by its inode only: `inode:<N>`.
        case unnamed
    }

    /// The namespace's inode.
    public var id: NamespaceID
    /// What its label is made of.
    public var kind: Kind
    /// The name (its invalid UTF-8 bytes as `\\xHH`), pod UID or container id the label is made of; empty
    /// for ``Kind/host`` and ``Kind/unnamed``.
    public var identity: String
    /// A path that opens the namespace (`/run/netns/NAME` or `/proc/PID/ns/net`), for `setns`.
    public var path: RawPath
    /// A process in the namespace, whose `/proc/PID/net` tables show the namespace's sockets; nil for a
    /// named namespace that no process is in.
    public var processID: Int?

    public init(id: NamespaceID, kind: Kind, identity: String, path: RawPath, processID: Int?) {
        self.id = id
        self.kind = kind
        self.identity = identity
        self.path = path
        self.processID = processID
    }

    /// The value of the `netns` label.
    public var label: String {
        switch kind {
        case .host: "host"
        case .named: identity
        case .pod: "pod:" + identity
        case .container: "container:" + identity
        case .unnamed: id.description
        }
    }
}
