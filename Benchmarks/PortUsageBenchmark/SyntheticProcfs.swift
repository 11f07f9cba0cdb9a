#if canImport(Glibc)
    import Glibc
#endif

/// A procfs-shaped directory of generated socket tables, in the kernel's exact line format.
struct SyntheticProcfs {
    let root: String
    let lineCount: Int

    /// Writes about `lines` socket lines: 60% tcp, 20% tcp6, 10% udp, 10% udp6; 1% of each table listens
    /// (on distinct ports), half of the TCP rest are connections to those listeners.
    init(lines: Int) throws {
        var template = Array("/tmp/port-usage-bench-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else {
            throw Subprocess.Failure(description: "mkdtemp failed")
        }
        root = String(cString: created)
        mkdir(root + "/net", 0o755)
        lineCount = lines
        let shares: [(ProcNetTable, Double)] = [(.tcp, 0.6), (.tcp6, 0.2), (.udp, 0.1), (.udp6, 0.1)]
        for (table, share) in shares {
            try write(table: table, lines: Int(Double(lines) * share))
        }
    }

    var files: [String] { ProcNetTable.allCases.map { root + "/net/" + $0.rawValue } }

    func remove() {
        for file in files { unlink(file) }
        rmdir(root + "/net")
        rmdir(root)
    }

    private func write(table: ProcNetTable, lines: Int) throws {
        let isIPv6 = table.isIPv6
        let loopback = isIPv6 ? "00000000000000000000000001000000" : "0100007F"
        let wildcard = isIPv6 ? String(repeating: "0", count: 32) : "00000000"
        let listeners = max(1, lines / 100)
        var text =
            isIPv6
            ? "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
            : "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
        text.reserveCapacity(lines * 160)
        for slot in 0..<lines {
            let line: (local: String, port: Int, remote: String, remotePort: Int, state: String)
            if slot < listeners {
                line = (
                    slot % 2 == 0 ? loopback : wildcard, 10000 + slot, wildcard, 0,
                    table.isTCP ? "0A" : "07"
                )
            } else if table.isTCP {
                let onListener = slot % 2 == 0
                line = (
                    loopback, onListener ? 10000 + slot % listeners : 32768 + slot % 28000, loopback,
                    40000 + slot % 20000, slot % 7 == 0 ? "06" : "01"
                )
            } else {
                line = (loopback, 32768 + slot % 28000, loopback, 53, "01")
            }
            text +=
                "\(pad(slot, 5)): \(line.local):\(hex(line.port)) \(line.remote):\(hex(line.remotePort)) \(line.state) "
            text +=
                "00000000:00000000 00:00000000 00000000  1000        0 \(100000 + slot) 1 0000000000000000 100 0 0 10 0\n"
        }
        guard let file = fopen(root + "/net/" + table.rawValue, "w") else {
            throw Subprocess.Failure(description: "cannot write \(table)")
        }
        fputs(text, file)
        fclose(file)
    }

    private func hex(_ value: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    private func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: " ", count: max(0, width - digits.count)) + digits
    }
}
