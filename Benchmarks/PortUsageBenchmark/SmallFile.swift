#if canImport(Glibc)
    import Glibc
#endif

/// The text of a small file (a /proc status or sysctl file), read whole.
func readSmallFile(_ path: String) throws -> String {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw Subprocess.Failure(description: "cannot open \(path): errno \(errno)") }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = read(fd, &chunk, chunk.count)
        guard count > 0 else { break }
        bytes += chunk[0..<count]
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// Writes `text` to a new file at `path` (replacing it).
func writeFile(_ path: String, _ text: String) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard fd >= 0 else { throw Subprocess.Failure(description: "cannot write \(path): errno \(errno)") }
    defer { close(fd) }
    let bytes = Array(text.utf8)
    guard write(fd, bytes, bytes.count) == bytes.count else {
        throw Subprocess.Failure(description: "cannot write \(path): errno \(errno)")
    }
}

/// A `/proc/<pid>/status` memory figure in KiB (`VmRSS`, `VmHWM`, `RssAnon`, `RssFile`), 0 if absent.
func processMemoryKiB(pid: pid_t, _ field: String) -> Int {
    let text = (try? readSmallFile("/proc/\(pid)/status")) ?? ""
    for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
        return Int(line.split(separator: " ").dropFirst().first { !$0.isEmpty } ?? "") ?? 0
    }
    return 0
}

/// KiB as MiB with one decimal: "18.4 MiB".
func formatMiB(_ kib: Int) -> String {
    "\(Double((kib * 10 + 512) / 1024) / 10) MiB"
}
