import Testing

@testable import PortUsageCore

@Suite("exposition encoder")
struct ExpositionTests {
    private func text(_ families: [MetricFamily], _ format: ExpositionFormat = .prometheusText) -> String {
        String(decoding: ExpositionEncoder.encode(families, format: format), as: UTF8.self)
    }

    @Test func familiesAreSortedAndSamplesKeepTheirProducersOrder() {
        let families = [
            MetricFamily(
                name: "b_metric", help: "B.", type: .gauge,
                samples: [
                    Sample(labels: [Label("port", "22")], value: 2),
                    Sample(labels: [Label("port", "443")], value: 1),
                    Sample(labels: [Label("port", "other")], value: 3),
                ]),
            MetricFamily(name: "a_metric", help: "A.", type: .gauge, samples: [Sample(value: 5)]),
        ]
        #expect(
            text(families) == """
                # HELP a_metric A.
                # TYPE a_metric gauge
                a_metric 5
                # HELP b_metric B.
                # TYPE b_metric gauge
                b_metric{port="22"} 2
                b_metric{port="443"} 1
                b_metric{port="other"} 3

                """)
    }

    @Test func labelValuesAndHelpAreEscaped() {
        let family = MetricFamily(
            name: "m", help: "back\\slash\nnew \"q\"", type: .gauge,
            samples: [
                Sample(labels: [Label("service", "a\"b\\c\nd")], value: 1)
            ])
        #expect(
            text([family])
                == "# HELP m back\\\\slash\\nnew \"q\"\n# TYPE m gauge\nm{service=\"a\\\"b\\\\c\\nd\"} 1\n")
        #expect(text([family], .openMetrics).hasPrefix("# HELP m back\\\\slash\\nnew \\\"q\\\"\n"))
    }

    @Test func openMetricsCountersAndEOF() {
        let family = MetricFamily(
            name: "x_errors_total", help: "Errors.", type: .counter, samples: [Sample(value: 3)])
        #expect(
            text([family], .openMetrics)
                == "# HELP x_errors Errors.\n# TYPE x_errors counter\nx_errors_total 3\n# EOF\n")
        #expect(
            text([family])
                == "# HELP x_errors_total Errors.\n# TYPE x_errors_total counter\nx_errors_total 3\n")
    }

    @Test func valueFormatting() {
        #expect(ExpositionEncoder.formatValue(0) == "0")
        #expect(ExpositionEncoder.formatValue(42) == "42")
        #expect(ExpositionEncoder.formatValue(-3) == "-3")
        #expect(ExpositionEncoder.formatValue(0.25) == "0.25")
        #expect(ExpositionEncoder.formatValue(1e21) == "1e+21")
        #expect(ExpositionEncoder.formatValue(.infinity) == "+Inf")
        #expect(ExpositionEncoder.formatValue(-.infinity) == "-Inf")
        #expect(ExpositionEncoder.formatValue(.nan) == "NaN")
        #expect(Double(ExpositionEncoder.formatValue(0.1 + 0.2)) == 0.1 + 0.2)
    }

    @Test(
        arguments: [
            (nil, ExpositionFormat.prometheusText),
            ("*/*", .prometheusText),
            ("text/plain", .prometheusText),
            ("application/openmetrics-text", .openMetrics),
            (
                "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
                .openMetrics
            ),
            ("text/plain;version=0.0.4;q=1, application/openmetrics-text;q=0.5", .prometheusText),
            ("application/openmetrics-text; q=0", .prometheusText),
            ("application/json", .prometheusText),
        ] as [(String?, ExpositionFormat)])
    func contentNegotiation(accept: String?, expected: ExpositionFormat) {
        #expect(ExpositionFormat.negotiate(accept: accept) == expected)
    }
}

@Suite("label sets")
struct LabelSetTests {
    @Test func aCachedSeriesIsRenderedOnceAndUnusedKeysAreForgotten() {
        let cache = LabelSetCache<Int>()
        var rendered = 0
        let labels: (Int) -> [Label] = { item in
            rendered += 1
            return [Label("port", String(item)), Label("q", "a\"b\\c\nd")]
        }
        let first = cache.labelSets(for: [1, 2], key: { $0 }, labels: labels)
        let second = cache.labelSets(for: [2, 3], key: { $0 }, labels: labels)
        #expect(rendered == 3)
        #expect(first[1].sharesText(with: second[0]))
        let third = cache.labelSets(for: [1], key: { $0 }, labels: labels)
        #expect(rendered == 4 && !third[0].sharesText(with: first[0]))
        let text = ExpositionEncoder.encode(
            [
                MetricFamily(
                    name: "m", help: "h", type: .gauge, samples: [Sample(labelSet: first[0], value: -12)])
            ],
            format: .prometheusText)
        #expect(String(decoding: text, as: UTF8.self).hasSuffix("m{port=\"1\",q=\"a\\\"b\\\\c\\nd\"} -12\n"))
    }
}

@Suite("exposition size estimate")
struct ExpositionSizeEstimateTests {
    @Test func theEstimateIsNeverBelowTheEncodedSize() {
        let families = [
            MetricFamily(
                name: "port_usage_a_total", help: "Help with \\ and \n and \"quotes\".", type: .counter,
                samples: (0..<500).map {
                    Sample(
                        labels: [Label("port", String($0)), Label("q", "a\"b\\c\nd")], value: Double($0) / 7)
                }),
            MetricFamily(
                name: "m", help: "", type: .gauge,
                samples: [
                    Sample(value: -.greatestFiniteMagnitude), Sample(value: .nan), Sample(value: 1e300),
                ]),
        ]
        for format in [ExpositionFormat.prometheusText, .openMetrics] {
            let size = ExpositionEncoder.encode(families, format: format).count
            let estimate = ExpositionEncoder.encodedSizeEstimate(families)
            #expect(size <= estimate && estimate < size * 2, "\(format): \(size) vs \(estimate)")
        }
    }

    @Test func aLabelSetReadsBackTheLabelsItRendered() {
        let labels = [
            Label("process", #"a "quoted" \ path"#), Label("unit", "line\nbreak"), Label("empty", ""),
            Label("service", #"x="1",y="2"}"#), Label("user", "jörg ✓"),
        ]
        #expect(LabelSet(labels).labels == labels)
        #expect(LabelSet([]).labels == [])
        #expect(LabelSet([Label("a", "")]).labels == [Label("a", "")])
    }

    /// The saturation series are given the first labels of a listener series' text.
    @Test func aPrefixHasTheFirstLabelsAsTheyWouldBeRendered() {
        let labels = [
            Label("netns", #"a ",b=" \ x"#), Label("protocol", "tcp"), Label("service", "line\nbreak"),
            Label("empty", ""),
        ]
        let set = LabelSet(labels)
        for count in 0...labels.count {
            #expect(set.prefix(count).text == LabelSet(Array(labels.prefix(count))).text)
        }
        #expect(set.prefix(9).text == set.text)
        #expect(LabelSet([]).prefix(2).text == [])
    }
}

@Suite("exposition stream")
struct ExpositionStreamTests {
    let families = [
        MetricFamily(
            name: "port_usage_b_total", help: "B.", type: .counter,
            samples: (0..<3000).map { Sample(labels: [Label("port", String($0))], value: Double($0)) }),
        MetricFamily(
            name: "port_usage_a", help: "A \"quoted\".", type: .gauge, samples: [Sample(value: 0.5)]),
        MetricFamily(name: "port_usage_empty", help: "None.", type: .gauge, samples: []),
    ]

    @Test(arguments: [ExpositionFormat.prometheusText, .openMetrics], [1, 100, 4096])
    func piecesEndOnLinesAndMakeUpTheWholeEncoding(format: ExpositionFormat, size: Int) {
        var stream = ExpositionStream(families, format: format)
        var joined: [UInt8] = []
        var pieces = 0
        while !stream.isComplete {
            var piece: [UInt8] = []
            stream.append(upTo: size, to: &piece)
            #expect(piece.isEmpty ? stream.isComplete : piece.last == UInt8(ascii: "\n"))
            // At least the size unless it is the last piece, and no line (here under 80 bytes) more.
            #expect(stream.isComplete || piece.count >= size)
            #expect(piece.count < size + 80)
            joined += piece
            pieces += 1
        }
        let whole = ExpositionEncoder.encode(families, format: format)
        #expect(joined == whole)
        #expect(pieces >= whole.count / max(size, 200))
        #expect(ExpositionStream(families, format: format).encodedSize() == whole.count)
    }

    @Test func familiesAreSortedAndTheOpenMetricsStreamEnds() {
        let text = String(decoding: ExpositionEncoder.encode(families, format: .openMetrics), as: UTF8.self)
        let headers = text.split(separator: "\n").filter { $0.hasPrefix("# TYPE") }
        #expect(
            headers == [
                "# TYPE port_usage_a gauge", "# TYPE port_usage_b counter", "# TYPE port_usage_empty gauge",
            ])
        #expect(
            text.hasSuffix(
                "port_usage_b_total{port=\"2999\"} 2999\n# HELP port_usage_empty None.\n# TYPE port_usage_empty gauge\n# EOF\n"
            ))
    }
}

extension LabelSet {
    /// Whether `other` shares this set's text (it is the same rendering, from a cache).
    fileprivate func sharesText(with other: LabelSet) -> Bool {
        text.withUnsafeBufferPointer { mine in
            other.text.withUnsafeBufferPointer { theirs in mine.baseAddress == theirs.baseAddress }
        }
    }
}
