import ArgumentParser

/// `policy`: what the policy file says against what runs, and a policy written from what runs.
struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Check a policy file against the listeners now, or write one from what runs.",
        subcommands: [PolicyCheckCommand.self, PolicyGenerateCommand.self])
}
