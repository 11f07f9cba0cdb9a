import ArgumentParser

/// `policy`: what the policy file says against what runs.
struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Check a policy file against the listeners now.",
        subcommands: [PolicyCheckCommand.self])
}
