/// The pod or container a process belongs to, read from its cgroup path (`/proc/PID/cgroup`).
///
/// Recognised, with the systemd and the cgroupfs drivers:
/// - Kubernetes pods: a `kubepods-…-pod<UID>.slice` or `pod<UID>` component, the UID with dashes (systemd
///   writes them as underscores);
/// - containers: `docker-<id>.scope`, `cri-containerd-<id>.scope`, `crio-<id>.scope`, `libpod-<id>.scope`,
///   or a bare 64-digit hexadecimal id component (`/docker/<id>`).
public enum ContainerIdentity {
    /// The pod or container of the cgroup file `text`, preferring the cgroup v2 line (`0::/path`) and a
    /// pod over a container (a pod's containers share its namespace); nil when no line names either.
    public static func of(cgroupFile text: Substring) -> (kind: NetworkNamespace.Kind, identity: String)? {
        let paths = text.split(separator: "\n").compactMap { line -> Substring? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            let rest = line[line.index(after: colon)...]
            guard let second = rest.firstIndex(of: ":") else { return nil }
            return rest[rest.index(after: second)...]
        }
        var container: String?
        for path in paths {
            let components = path.split(separator: "/")
            if let pod = components.lazy.compactMap(podUID(of:)).last { return (.pod, pod) }
            if container == nil { container = components.lazy.compactMap(containerID(of:)).last }
        }
        return container.map { (.container, String($0.prefix(12))) }
    }

    /// The pod UID of a `kubepods-burstable-pod<uid>.slice` or `pod<uid>` component: a UUID in its
    /// 8-4-4-4-12 form, written with dashes or (systemd) underscores.
    static func podUID(of component: Substring) -> String? {
        var name = component
        if name.hasSuffix(".slice") { name = name.dropLast(6) }
        let uid = String(name.suffix(36).map { $0 == "_" ? "-" : $0 })
        let before = name.dropLast(36)
        let groups = uid.split(separator: "-", omittingEmptySubsequences: false)
        guard groups.map(\.count) == [8, 4, 4, 4, 12], groups.allSatisfy({ $0.allSatisfy(isHexDigit) }),
            before.hasSuffix("pod"), before == "pod" || before.hasPrefix("kubepods")
        else { return nil }
        return uid
    }

    /// The container id of a `<runtime>-<id>.scope` component, or of a bare 64-digit hex component.
    static func containerID(of component: Substring) -> String? {
        var name = component
        if name.hasSuffix(".scope") {
            name = name.dropLast(6)
            guard let dash = name.lastIndex(of: "-") else { return nil }
            name = name[name.index(after: dash)...]
        }
        guard name.count == 64, name.allSatisfy(isHexDigit) else { return nil }
        return String(name)
    }

    /// An ASCII hexadecimal digit (`Character.isHexDigit` also takes the fullwidth forms).
    private static func isHexDigit(_ character: Character) -> Bool {
        character.isASCII && character.isHexDigit
    }
}
