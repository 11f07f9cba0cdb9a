import ArgumentParser
import PortUsageCore

/// Where to write the textfile; shared by `textfile` and by `serve --textfile.path`.
struct TextfileOptions: ParsableArguments {
    @Option(
        name: .customLong("textfile.path"),
        help: ArgumentHelp(
            "Write the metrics (without process_*) to this .prom file for node_exporter's textfile collector.",
            valueName: "file"))
    var path: String?

    /// The writer for `--textfile.path`, or nil without it; an error names the flag.
    func makeWriter() throws -> TextfileWriter? {
        do {
            return try path.map { path throws(ConfigurationError) in try TextfileWriter(path: path) }
        } catch {
            throw ConfigurationError("--textfile.path: \(error)")
        }
    }
}
