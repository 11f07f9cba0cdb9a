import ArgumentParser
import PortUsageCore
import PortUsageTestSupport
import Testing

@testable import PortUsageExporter

/// The `--collector.<name>` flags come from the registry: a collector registered in a test has its pair
/// of flags and its help, with no other file touched.
@Suite("collector flags")
struct CollectorFlagTests {
    @Test func aRegisteredCollectorHasItsFlagsAndHelp() {
        let registry = CollectorRegistry.standard.adding(EchoCollector.registration)
        let toggles = CollectorToggle.toggles(for: registry).filter { $0.name == "echo" }
        #expect(toggles.map(\.enables) == [true, false])
        let help = CollectorToggle.help(for: toggles[0], in: registry)
        #expect(
            help?.abstract
                == "Enable the echo collector: how many listener series the collection classified. (default: enabled)"
        )
        #expect(CollectorToggle.allCases.allSatisfy { $0.name != "echo" })
    }
}
