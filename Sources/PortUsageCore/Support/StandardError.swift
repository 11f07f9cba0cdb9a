/// Unbuffered writes to standard error, safe from any thread (one `write` a call).
public enum StandardError {
    /// Writes `text` as it is.
    public static func write(_ text: String) {
        _ = writeAll(Array(text.utf8), to: 2)
    }
}
