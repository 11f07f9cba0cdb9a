/// The exposition of metric families, written a piece at a time: a server hands each piece to a
/// connection as the client reads, so a `/metrics` body of megabytes is never held whole (nor copied whole
/// by a compressor).
///
/// Output is deterministic: families sorted by name, each with `# HELP` and `# TYPE`, and samples in the
/// order their producer gives. Producers sort with their typed keys (a port as a number, so `port="22"`
/// precedes `port="443"`), which costs far less than sorting label strings here on every scrape.
public struct ExpositionStream: Sendable {
    private let families: [MetricFamily]
    private let format: ExpositionFormat
    private var familyIndex = 0
    /// The next sample of the current family; nil before the first family's `# HELP` and `# TYPE` lines.
    private var sampleIndex: Int?
    /// The current family's sample name as bytes, made once per family.
    private var sampleName: [UInt8] = []
    /// The current family's samples.
    private var samples: [Sample] = []
    /// Whether every line has been written.
    public private(set) var isComplete = false

    public init(_ families: [MetricFamily], format: ExpositionFormat) {
        self.families = families.sorted { $0.name < $1.name }
        self.format = format
    }

    /// Appends whole lines to `out` until it holds at least `size` bytes or the exposition is complete.
    public mutating func append(upTo size: Int, to out: inout [UInt8]) {
        while out.count < size && !isComplete {
            if let index = sampleIndex, index < samples.count {
                // The current family's samples, without copying the family (and retaining its fields)
                // for every line.
                sampleIndex = samples.withUnsafeBufferPointer { samples in
                    var index = index
                    while index < samples.count && out.count < size {
                        out.append(contentsOf: sampleName)
                        out.append(contentsOf: samples[index].labelSet.text)
                        out.append(UInt8(ascii: " "))
                        ExpositionEncoder.appendValue(samples[index].value, to: &out)
                        out.append(UInt8(ascii: "\n"))
                        index += 1
                    }
                    return index
                }
            } else {
                advance(appending: &out)
            }
        }
    }

    /// The encoded size, counted by writing the exposition a piece at a time into a scratch buffer (a
    /// `HEAD` request's `Content-Length`).
    public func encodedSize() -> Int {
        var copy = self
        var scratch: [UInt8] = []
        scratch.reserveCapacity(Self.pieceSize + 4096)
        var size = 0
        while !copy.isComplete {
            copy.append(upTo: Self.pieceSize, to: &scratch)
            size += scratch.count
            scratch.removeAll(keepingCapacity: true)
        }
        return size
    }

    /// A piece size that keeps a write's overhead small against its bytes.
    public static let pieceSize = 64 * 1024

    /// Moves to the next family and appends its `# HELP` and `# TYPE` lines, or ends the exposition.
    private mutating func advance(appending out: inout [UInt8]) {
        if sampleIndex != nil { familyIndex += 1 }
        guard familyIndex < families.count else {
            if format == .openMetrics { out.append(contentsOf: "# EOF\n".utf8) }
            isComplete = true
            samples = []
            return
        }
        let family = families[familyIndex]
        appendHeader(of: family, to: &out)
        sampleName = Array(family.name.utf8)
        samples = family.samples
        sampleIndex = 0
    }

    private func appendHeader(of family: MetricFamily, to out: inout [UInt8]) {
        let familyName =
            format == .openMetrics && family.type == .counter && family.name.hasSuffix("_total")
            ? String(family.name.dropLast(6)) : family.name
        out.append(contentsOf: "# HELP \(familyName) ".utf8)
        ExpositionEncoder.appendEscaped(family.help, escapingQuotes: format == .openMetrics, to: &out)
        out.append(contentsOf: "\n# TYPE \(familyName) \(family.type.rawValue)\n".utf8)
    }
}
