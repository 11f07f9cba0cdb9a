import PortUsageCore
import Testing

@testable import PortUsagePush

@Suite struct PushgatewayGroupTests {
    @Test func urlHasJobThenGroupingLabelsInOrder() throws {
        let group = try PushgatewayGroup(
            baseURL: "http://127.0.0.1:9091/", job: "port_usage_exporter",
            labels: [Label("instance", "web-1"), Label("dc", "eu")])
        #expect(group.url == "http://127.0.0.1:9091/metrics/job/port_usage_exporter/instance/web-1/dc/eu")
    }

    @Test func valueWithSlashUsesBase64URLAlphabet() throws {
        let group = try PushgatewayGroup(
            baseURL: "http://gw", job: "a/b", labels: [Label("path", "/var/tmp?>"), Label("empty", "")])
        // "a/b" is YS9i; "/var/tmp?>" is L3Zhci90bXA_Pg== (with '_' where standard base64 has '/').
        #expect(group.url == "http://gw/metrics/job@base64/YS9i/path@base64/L3Zhci90bXA_Pg==/empty@base64/=")
    }

    @Test func otherSpecialCharactersArePercentEncoded() throws {
        let group = try PushgatewayGroup(baseURL: "https://gw:1", job: "j", labels: [Label("i", "a b:c%é")])
        #expect(group.url == "https://gw:1/metrics/job/j/i/a%20b%3Ac%25%C3%A9")
    }

    @Test(arguments: ["", "a", "ab", "abc", "abcd", "\u{FF}\u{FE}"])
    func base64MatchesRFC4648(text: String) {
        let expected = [
            "": "", "a": "YQ==", "ab": "YWI=", "abc": "YWJj", "abcd": "YWJjZA==", "\u{FF}\u{FE}": "w7_Dvg==",
        ]
        #expect(Base64URL.encode(text) == expected[text])
    }

    @Test func credentialsAreRedactedFromLoggedURLs() throws {
        let group = try PushgatewayGroup(baseURL: "http://user:secret@gw:9091", job: "j", labels: [])
        #expect(group.redactedURL == "http://<redacted>@gw:9091/metrics/job/j")
        #expect(URLText.redactingCredentials(in: "http://gw/a@b") == "http://gw/a@b")
    }

    @Test(arguments: [
        ("ftp://gw", "j", "instance", "--push.url must be an http:// or https:// URL"),
        ("http://gw?x=1", "j", "instance", "--push.url must not have a query or fragment"),
        ("http://gw", "", "instance", "--push.job must not be empty"),
        ("http://gw", "j", "job", "--push.grouping: label name 'job' is reserved"),
        ("http://gw", "j", "__x", "--push.grouping: label name '__x' is reserved"),
        ("http://gw", "j", "1x", "--push.grouping: '1x' is not a valid label name"),
        ("http://gw", "j", "a-b", "--push.grouping: 'a-b' is not a valid label name"),
    ])
    func badSettingsAreRefusedWithTheReason(url: String, job: String, label: String, reason: String) {
        #expect {
            try PushgatewayGroup(baseURL: url, job: job, labels: [Label(label, "v")])
        } throws: { error in
            "\(error)".hasPrefix(reason)
        }
    }

    @Test func duplicateGroupingLabelIsRefused() {
        #expect(throws: ConfigurationError("--push.grouping: label 'a' given twice")) {
            try PushgatewayGroup(baseURL: "http://gw", job: "j", labels: [Label("a", "1"), Label("a", "2")])
        }
    }
}
