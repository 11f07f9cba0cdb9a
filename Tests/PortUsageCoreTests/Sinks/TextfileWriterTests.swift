import PortUsageCore
import PortUsageTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct TextfileWriterTests {
    private let families = [
        MetricFamily(name: "process_open_fds", help: "Open fds.", type: .gauge, samples: [Sample(value: 9)]),
        MetricFamily(
            name: "port_usage_listeners", help: "Listeners.", type: .gauge, samples: [Sample(value: 2)]),
    ]

    private func entries(of directory: String) -> [String] {
        guard let handle = opendir(directory) else { return [] }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    @Test func writesTheTextFormatWithoutProcessMetricsAsMode0644() throws {
        let directory = Fixtures.temporaryDirectory()
        let path = directory + "/ports.prom"
        let previous = umask(0o077)
        defer { umask(previous) }
        try TextfileWriter(path: path).write(families)
        #expect(
            try FileReader.readText(path, limit: 1 << 20) == "# HELP port_usage_listeners Listeners.\n"
                + "# TYPE port_usage_listeners gauge\nport_usage_listeners 2\n")
        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o644)
        #expect(entries(of: directory) == ["ports.prom"])
    }

    @Test func replacesTheFileWithANewInode() throws {
        let path = Fixtures.temporaryDirectory() + "/ports.prom"
        let writer = try TextfileWriter(path: path)
        try writer.write(families)
        var before = stat()
        stat(path, &before)
        try writer.write([])
        var after = stat()
        stat(path, &after)
        #expect(before.st_ino != after.st_ino)
        #expect(try FileReader.readConfigurationFile(path, limit: 1 << 20).isEmpty)
    }

    @Test func aFailedWriteLeavesNothingBehindAndNamesThePath() throws {
        let directory = Fixtures.temporaryDirectory()
        let writer = try TextfileWriter(path: directory + "/missing/ports.prom")
        #expect {
            try writer.write(families)
        } throws: { error in
            guard let error = error as? FileSystemError else { return false }
            return error.errno == ENOENT && error.operation == "open"
                && error.path.hasPrefix("\(directory)/missing/.ports.prom.") && error.path.hasSuffix(".tmp")
        }
        #expect(entries(of: directory).isEmpty)
    }

    @Test func aLinkPlantedAtAPredictableTemporaryNameIsNotFollowed() throws {
        let directory = Fixtures.temporaryDirectory()
        let victim = directory + "/victim"
        Fixtures.write(Array("precious\n".utf8), to: victim)
        // The name the writer used before it drew random ones.
        let planted = "\(directory)/.ports.prom.\(getpid()).tmp"
        #expect(symlink(victim, planted) == 0)
        try TextfileWriter(path: directory + "/ports.prom").write(families)
        #expect(try FileReader.readText(victim, limit: 1 << 20) == "precious\n")
        #expect(entries(of: directory) == [".ports.prom.\(getpid()).tmp", "ports.prom", "victim"])
    }

    @Test func concurrentWritersNeverShareATemporaryFile() async throws {
        let directory = Fixtures.temporaryDirectory()
        let writer = try TextfileWriter(path: directory + "/ports.prom")
        let bodies = (0..<8).map { index in
            [
                MetricFamily(
                    name: "port_usage_listeners", help: "Listeners.", type: .gauge,
                    samples: (0...index).map { Sample(labels: [Label("port", "\($0)")], value: 1) })
            ]
        }
        let failures = await withTaskGroup(of: Int.self) { group in
            for body in bodies {
                group.addTask {
                    (0..<25).reduce(0) { failed, _ in
                        do {
                            try writer.write(body)
                            return failed
                        } catch {
                            return failed + 1
                        }
                    }
                }
            }
            return await group.reduce(0, +)
        }
        #expect(failures == 0)
        let texts = bodies.map {
            String(decoding: ExpositionEncoder.encode($0, format: .prometheusText), as: UTF8.self)
        }
        #expect(texts.contains(try FileReader.readText(directory + "/ports.prom", limit: 1 << 20)))
        #expect(entries(of: directory) == ["ports.prom"])
    }

    @Test(arguments: ["ports.txt", "/tmp/.prom", "/tmp/ports.prom/", "ports"])
    func refusesFilesThatNodeExporterWouldNotRead(path: String) {
        #expect(throws: ConfigurationError.self) { try TextfileWriter(path: path) }
    }

    @Test func sinkStatisticsCountAttemptsByResult() {
        let statistics = SinkStatistics(names: SinkStatistics.pushNames)
        statistics.record(success: true, durationSeconds: 0.25, finishedAt: 1000)
        statistics.record(success: false, durationSeconds: 0.5, finishedAt: 2000)
        let text = String(
            decoding: ExpositionEncoder.encode(statistics.families(), format: .prometheusText), as: UTF8.self)
        #expect(text.contains("port_usage_push_requests_total{result=\"error\"} 1\n"))
        #expect(text.contains("port_usage_push_requests_total{result=\"success\"} 1\n"))
        #expect(text.contains("port_usage_push_duration_seconds 0.5\n"))
        #expect(text.contains("port_usage_push_last_success_timestamp_seconds 1000\n"))
    }
}
