/// A name or a glob that owner and namespace constraints of a policy match names against: `*` stands for
/// any run of bytes, `?` for one byte, and `\` makes the next byte literal. Matched on bytes, so that a
/// name that is not UTF-8 matches as exactly as one that is.
public struct NamePattern: Sendable, Hashable, CustomStringConvertible {
    private enum Element: Hashable {
        case byte(UInt8)
        case any
        case anyRun
    }

    /// The pattern as written in the policy file.
    public let text: String
    private let elements: [Element]

    /// The pattern of `text`, or nil when it ends in an unfinished escape.
    public init?(_ text: String) {
        var elements: [Element] = []
        var escaped = false
        for byte in text.utf8 {
            if escaped {
                elements.append(.byte(byte))
                escaped = false
                continue
            }
            switch byte {
            case UInt8(ascii: "\\"): escaped = true
            case UInt8(ascii: "*"): if elements.last != .anyRun { elements.append(.anyRun) }
            case UInt8(ascii: "?"): elements.append(.any)
            default: elements.append(.byte(byte))
            }
        }
        guard !escaped else { return nil }
        self.text = text
        self.elements = elements
    }

    public var description: String { text }

    /// Whether `name` matches: greedy with one point to backtrack to, the last `*`, so that a hostile
    /// pattern or name costs at most their lengths multiplied, never more.
    public func matches(_ name: String) -> Bool {
        let name = Array(name.utf8)
        var element = 0
        var byte = 0
        var lastRun: (element: Int, byte: Int)?
        while byte < name.count {
            if element < elements.count {
                switch elements[element] {
                case .anyRun:
                    lastRun = (element + 1, byte)
                    element += 1
                    continue
                case .any:
                    element += 1
                    byte += 1
                    continue
                case .byte(let expected) where expected == name[byte]:
                    element += 1
                    byte += 1
                    continue
                case .byte: break
                }
            }
            guard let run = lastRun else { return false }
            lastRun = (run.element, run.byte + 1)
            element = run.element
            byte = run.byte + 1
        }
        while element < elements.count, elements[element] == .anyRun { element += 1 }
        return element == elements.count
    }
}
