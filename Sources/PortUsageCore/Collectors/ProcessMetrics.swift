#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The standard `process_*` metrics of the exporter itself, read from `/proc/self` like the Go client does.
public struct ProcessMetrics: Sendable {
    /// The procfs of the exporter's own process; always the real `/proc`, whatever `--path.procfs` says.
    public let procRoot: String

    /// The most bytes read from one file under `/proc`; `/proc/stat` of a large host is some hundred KiB.
    public static let maximumFileBytes = 16 << 20

    /// The system boot time (`btime` of `/proc/stat`), read once: it does not change while the system runs.
    private let bootTime: Result<Double, any Error>

    public init(procRoot: String = HostPaths.standard.procfs) {
        self.procRoot = procRoot
        bootTime = Result { try Self.readBootTime(procRoot: procRoot) }
    }

    /// Reads the process metrics, or throws naming the file that could not be read or parsed.
    public func families() throws -> [MetricFamily] {
        let statPath = procRoot + "/self/stat"
        let stat = try FileReader.readText(statPath, limit: Self.maximumFileBytes)
        // The command name in field 2 may hold spaces and parentheses; the fields after it start past the last ')'.
        guard let close = stat.lastIndex(of: ")") else {
            throw ProcessMetricsError("\(statPath): no ')' found")
        }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state); utime 14, stime 15, starttime 22, vsize 23, rss 24.
        guard fields.count > 21, let utime = Double(fields[11]), let stime = Double(fields[12]),
            let startTicks = Double(fields[19]), let virtualBytes = Double(fields[20]),
            let residentPages = Double(fields[21])
        else { throw ProcessMetricsError("\(statPath): unexpected format") }
        let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
        let bootTime = try self.bootTime.get()
        let openFDs = try countOpenFileDescriptors()
        var limit = rlimit()
        getrlimit(openFilesLimitResource, &limit)

        func gauge(_ name: String, _ help: String, _ value: Double) -> MetricFamily {
            MetricFamily(name: name, help: help, type: .gauge, samples: [Sample(value: value)])
        }
        return [
            MetricFamily(
                name: "process_cpu_seconds_total", help: "Total user and system CPU time spent in seconds.",
                type: .counter, samples: [Sample(value: (utime + stime) / ticksPerSecond)]),
            gauge(
                "process_resident_memory_bytes", "Resident memory size in bytes.", residentPages * pageSize),
            gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.", virtualBytes),
            gauge(
                "process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
                bootTime + startTicks / ticksPerSecond),
            gauge("process_open_fds", "Number of open file descriptors.", Double(openFDs)),
            gauge(
                "process_max_fds", "Maximum number of open file descriptors.",
                limit.rlim_cur == rlim_t.max ? Double.infinity : Double(limit.rlim_cur)),
        ]
    }

    private static func readBootTime(procRoot: String) throws -> Double {
        let path = procRoot + "/stat"
        for line in try FileReader.readText(path, limit: maximumFileBytes).split(separator: "\n")
        where line.hasPrefix("btime ") {
            if let value = Double(line.dropFirst(6)) { return value }
        }
        throw ProcessMetricsError("\(path): no btime line")
    }

    private func countOpenFileDescriptors() throws -> Int {
        let path = procRoot + "/self/fd"
        guard let directory = opendir(path) else {
            throw FileSystemError(operation: "opendir", path: path, errno: errno)
        }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            let isDot = withUnsafeBytes(of: entry.pointee.d_name) { $0[0] == UInt8(ascii: ".") }
            if !isDot { count += 1 }
        }
        // The directory stream itself holds one descriptor while it is read.
        return count - 1
    }
}

/// A `/proc/self` file that did not have the expected shape.
public struct ProcessMetricsError: Error, Sendable, CustomStringConvertible {
    public var description: String

    init(_ description: String) {
        self.description = description
    }
}

#if canImport(Glibc)
    private let openFilesLimitResource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
#else
    private let openFilesLimitResource = RLIMIT_NOFILE
#endif
