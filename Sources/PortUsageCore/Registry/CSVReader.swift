/// A CSV syntax error with the line on which the offending record starts.
public struct CSVError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var reason: String

    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }

    public var description: String { "line \(line): \(reason)" }
}

/// An RFC 4180 CSV reader over UTF-8 bytes.
///
/// Fields may be quoted; a quoted field may hold commas, doubled quotes (`""`) and line breaks. Records end
/// with CRLF or a bare LF. A quote inside an unquoted field, text after a closing quote, and an unterminated
/// quoted field are errors.
public struct CSVReader {
    /// One record and the line it starts on.
    public struct Record: Sendable {
        public var line: Int
        public var fields: [String]
    }

    /// Splits `bytes` into records.
    public static func records(_ bytes: [UInt8]) throws(CSVError) -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1
        var recordLine = 1
        var index = 0
        var quoted = false
        var fieldWasQuoted = false
        let quote = UInt8(ascii: "\"")
        let comma = UInt8(ascii: ",")
        let cr = UInt8(ascii: "\r")
        let lf = UInt8(ascii: "\n")

        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            fieldWasQuoted = false
        }

        while index < bytes.count {
            let byte = bytes[index]
            if quoted {
                if byte == quote {
                    if index + 1 < bytes.count && bytes[index + 1] == quote {
                        field.append(quote)
                        index += 1
                    } else {
                        quoted = false
                    }
                } else {
                    if byte == lf { line += 1 }
                    field.append(byte)
                }
                index += 1
                continue
            }
            switch byte {
            case quote:
                guard field.isEmpty && !fieldWasQuoted else {
                    throw CSVError(line: line, reason: "unexpected quote inside an unquoted field")
                }
                quoted = true
                fieldWasQuoted = true
            case comma:
                endField()
            case cr where index + 1 < bytes.count && bytes[index + 1] == lf:
                break
            case lf:
                endField()
                records.append(Record(line: recordLine, fields: fields))
                fields.removeAll(keepingCapacity: true)
                line += 1
                recordLine = line
            default:
                guard !fieldWasQuoted else {
                    throw CSVError(line: line, reason: "text after the closing quote of a field")
                }
                field.append(byte)
            }
            index += 1
        }
        if quoted {
            throw CSVError(
                line: recordLine, reason: "quoted field is not terminated before the end of the file")
        }
        if !field.isEmpty || !fields.isEmpty || fieldWasQuoted {
            endField()
            records.append(Record(line: recordLine, fields: fields))
        }
        return records
    }
}
