import ArgumentParser

/// `policy`: commands on listener policies (`--policy.file`).
struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Write a listener policy from what runs.",
        subcommands: [PolicyGenerateCommand.self])
}
