import PortUsageCore
import PortUsageTestSupport
import Testing

@Suite("IANA registry")
struct RegistryTests {
    let registry = IANARegistry.embedded

    private func expect(
        _ port: UInt16, _ transport: TransportProtocol, _ status: AssignmentStatus, _ service: String,
        _ range: PortRange, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let classification = PortClassifier(registry: registry).classify(port: port, transport: transport)
        #expect(classification.assignment == status, "\(port)/\(transport)", sourceLocation: sourceLocation)
        #expect(classification.service == service, "\(port)/\(transport)", sourceLocation: sourceLocation)
        #expect(classification.range == range, "\(port)/\(transport)", sourceLocation: sourceLocation)
    }

    @Test func wellKnownAssignments() {
        expect(22, .tcp, .assigned, "ssh", .system)
        expect(80, .tcp, .assigned, "http", .system)
        expect(80, .udp, .assigned, "http", .system)
        expect(771, .tcp, .assigned, "rtip", .system)
        expect(771, .udp, .assigned, "rtip", .system)
    }

    @Test func unassignedAndReservedPorts() {
        expect(768, .tcp, .unassigned, "", .system)
        expect(768, .udp, .unassigned, "", .system)
        expect(1023, .tcp, .reserved, "", .system)
        expect(1023, .udp, .reserved, "", .system)
        expect(49151, .tcp, .reserved, "", .user)
        expect(49151, .udp, .reserved, "", .user)
        expect(0, .tcp, .reserved, "", .system)
    }

    @Test func protocolSpecificAssignment() {
        expect(2376, .tcp, .assigned, "docker-s", .user)
        expect(2376, .udp, .unassigned, "", .user)
    }

    @Test func dynamicPortsAreUnassigned() {
        expect(49152, .tcp, .unassigned, "", .dynamic)
        expect(65535, .udp, .unassigned, "", .dynamic)
    }

    @Test(arguments: [6000, 6001, 6032, 6063] as [UInt16])
    func x11RangeIsExpanded(port: UInt16) {
        expect(port, .tcp, .assigned, "x11", .user)
        expect(port, .udp, .assigned, "x11", .user)
    }

    @Test func rangeBoundaries() {
        #expect(PortRange(port: 1023) == .system)
        #expect(PortRange(port: 1024) == .user)
        #expect(PortRange(port: 49151) == .user)
        #expect(PortRange(port: 49152) == .dynamic)
    }

    @Test func historicAliasNeverWinsOverTheCanonicalName() {
        // 63 lists whois++ (an alias of whoispp) after whoispp.
        #expect(registry.assignment(port: 63, transport: .tcp).service == "whoispp")
    }

    @Test func embeddedFacts() {
        #expect(registry.source == .embedded)
        #expect(registry.updated == "2026-04-09")
        #expect(registry.recordCount == 14512)
    }

    @Test(
        .enabled(
            if: Fixtures.sharedRegistryCSV != nil,
            "skipped: ../shared/data/iana-service-names-port-numbers.csv (the generator's input) is not beside this checkout"
        ))
    func embeddedTableMatchesTheSharedCSV() throws {
        let path = try #require(Fixtures.sharedRegistryCSV)
        let fromFile = try IANARegistry.load(csvFile: path)
        #expect(fromFile.source == .file)
        #expect(fromFile.recordCount == registry.recordCount)
        #expect(fromFile.updated == registry.updated)
        for port in UInt16.min...UInt16.max {
            for transport in TransportProtocol.allCases
            where fromFile.assignment(port: port, transport: transport)
                != registry.assignment(port: port, transport: transport)
            {
                Issue.record(
                    "\(port)/\(transport) differs: \(fromFile.assignment(port: port, transport: transport)) vs \(registry.assignment(port: port, transport: transport))"
                )
                return
            }
        }
    }

    @Test func compactTableRoundTrips() throws {
        let csv = try RegistryCSV(bytes: Array(Self.smallCSV.utf8), path: "small.csv")
        let (decoded, dropped) = CompactRegistryTable.decode(
            CompactRegistryTable.encode(csv), source: .embedded)
        #expect(dropped == 0)
        #expect(decoded.updated == "2020-05-06")
        #expect(decoded.recordCount == 5)
        #expect(
            decoded.assignment(port: 7, transport: .udp)
                == PortAssignment(
                    status: .assigned, service: "echo", description: "Echo, with a \"quote\" and a line break"
                ))
        #expect(decoded.assignment(port: 10, transport: .tcp).status == .reserved)
        #expect(decoded.assignment(port: 12, transport: .udp).service == "multi")
    }

    static let smallCSV = """
        Service Name,Port Number,Transport Protocol,Description,Assignee,Contact,Registration Date,Modification Date,Reference,Service Code,Unauthorized Use Reported,Assignment Notes\r
        echo,7,,"Echo, with a ""quote"" and a
        line break",,,2001-01-01,2020-05-06,,,,\r
        ,10,tcp,Reserved,,,,,,,,\r
        ,11,,Unassigned,,,,,,,,\r
        multi,12-13,udp,Multi,,,,,,,,\r
        named,,,No port,,,,,,,,\r

        """
}

@Suite("CSV reader and registry file errors")
struct RegistryFileTests {
    @Test func quotedFieldsWithCommasQuotesAndNewlines() throws {
        let records = try CSVReader.records(Array("a,\"b,c\",\"d\"\"e\"\r\n\"f\ng\",,h\n".utf8))
        #expect(records.map(\.fields) == [["a", "b,c", "d\"e"], ["f\ng", "", "h"]])
        #expect(records.map(\.line) == [1, 2])
    }

    @Test func lastRecordWithoutLineEnd() throws {
        #expect(try CSVReader.records(Array("a,b\nc,d".utf8)).map(\.fields) == [["a", "b"], ["c", "d"]])
    }

    @Test func unterminatedQuoteNamesTheLine() {
        #expect(
            throws: CSVError(line: 2, reason: "quoted field is not terminated before the end of the file")
        ) {
            try CSVReader.records(Array("a,b\n\"open,\nmore".utf8))
        }
    }

    @Test func strayQuoteIsAnError() {
        #expect(throws: CSVError.self) { try CSVReader.records(Array("a,b\"c\n".utf8)) }
        #expect(throws: CSVError.self) { try CSVReader.records(Array("\"a\"b,c\n".utf8)) }
    }

    private func loadError(_ text: String) -> String? {
        do {
            _ = try RegistryCSV(bytes: Array(text.utf8), path: "bad.csv")
            return nil
        } catch {
            return error.description
        }
    }

    @Test func badRegistryFilesGiveClearErrors() {
        let header = "Service Name,Port Number,Transport Protocol,Description\n"
        #expect(loadError("") == "registry file bad.csv: the file is empty")
        #expect(
            loadError("name,port\nx,1\n")
                == "registry file bad.csv: line 1: not an IANA port registry header; missing column(s) Service Name, Port Number, Transport Protocol, Description"
        )
        #expect(
            loadError(header + "ssh,22,tcp,SSH\nx,abc,tcp,X\n")
                == "registry file bad.csv: line 3: invalid port number 'abc'")
        #expect(
            loadError(header + "x,70000,tcp,X\n")
                == "registry file bad.csv: line 2: invalid port number '70000'")
        #expect(
            loadError(header + "x,9-3,tcp,X\n") == "registry file bad.csv: line 2: invalid port number '9-3'")
        #expect(
            loadError(header + "ssh,22,tcp\n") == "registry file bad.csv: line 2: expected 4 fields, found 3")
        #expect(
            loadError(header + "x,,,No port\n") == "registry file bad.csv: no TCP or UDP port records found")
        #expect(
            loadError(header + "x,1,tcp,\"open\n")
                == "registry file bad.csv: line 2: quoted field is not terminated before the end of the file")
    }

    @Test func missingFileNamesThePath() {
        #expect(
            throws: RegistryFileError(
                path: "/nonexistent.csv", reason: "open /nonexistent.csv: No such file or directory")
        ) {
            try IANARegistry.load(csvFile: "/nonexistent.csv")
        }
    }
}
