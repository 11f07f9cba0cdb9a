import ArgumentParser
import PortUsageCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Where to write the textfile; shared by `textfile` and by `serve --textfile.path`.
struct TextfileOptions: ParsableArguments {
    @Option(
        name: .customLong("textfile.path"),
        help: ArgumentHelp(
            "Write the metrics (without process_*) to this .prom file for node_exporter's textfile collector.",
            valueName: "file"))
    var path: String?

    /// The writer for `--textfile.path`, or nil without it; an error names the flag. A directory that does
    /// not exist or cannot be written is an error now, before anything is collected.
    func makeWriter() throws -> TextfileWriter? {
        guard let path else { return nil }
        let writer: TextfileWriter
        do {
            writer = try TextfileWriter(path: path)
        } catch {
            throw ConfigurationError("--textfile.path: \(error)")
        }
        var info = stat()
        if stat(writer.directory, &info) != 0 || access(writer.directory, W_OK) != 0 {
            throw ConfigurationError(
                "--textfile.path: \(writer.directory): \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw ConfigurationError("--textfile.path: \(writer.directory): not a directory")
        }
        return writer
    }
}
