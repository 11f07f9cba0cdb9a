import Logging
import PortUsageCore
import PortUsagePolicy
import PortUsageYAML

/// Loads `--policy.file` at start and again on SIGHUP or `POST /-/reload`. A file that fails to load on
/// reload leaves the policy in force and sets `port_usage_config_last_reload_successful` to 0.
struct PolicyReloader: Sendable {
    let path: String?
    let store: PolicyStore
    let logger: Logger

    /// Loads the policy for start; a bad file is an error that names file, line, column and reason.
    init(path: String?, logger: Logger) throws(YAMLFileError) {
        self.path = path
        self.logger = logger
        store = PolicyStore(
            policy: try path.map { path throws(YAMLFileError) in try PolicyFile.load(path: path) })
    }

    /// Reads the file again and puts it in force, or keeps the old policy and throws.
    func reload() throws(YAMLFileError) {
        guard let path else {
            store.replace(with: nil)
            return
        }
        do {
            let policy = try PolicyFile.load(path: path)
            store.replace(with: policy)
            logger.info(
                "policy reloaded",
                metadata: ["file": "\(path)", "expected": "\(policy.expected.count)"])
        } catch {
            store.recordFailedReload()
            logger.error(
                "policy reload failed; the previous policy stays in force", metadata: ["err": "\(error)"])
            throw error
        }
    }
}
