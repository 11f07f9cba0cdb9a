import NIOCore
import NIOHTTP1
import PortUsageCore

/// Writes a `/metrics` body a piece at a time while the connection takes it (the kernel's send buffer
/// included), so that an exposition of any size holds at most one piece beyond the write-buffer bound;
/// the rest waits until the client has read enough to make the channel writable again.
///
/// Confined to the connection's event loop. A flush can change the channel's writability, and so call
/// the writer again from within a write: that inner call leaves the writing to the outer one, which
/// checks the writability again after each piece.
final class StreamedBodyWriter {
    /// Whether the connection stays open once the body is written.
    let keepAlive: Bool
    private var exposition: ExpositionStream
    /// The bytes of one piece, reused from piece to piece.
    private var piece: [UInt8] = []
    private var writing = false

    init(_ exposition: ExpositionStream, keepAlive: Bool) {
        self.exposition = exposition
        self.keepAlive = keepAlive
    }

    /// Writes and flushes pieces while the channel of `context` is writable; true, once, when this call
    /// wrote the last piece (the end of the response is left to the caller).
    func writeWhileWritable(context: ChannelHandlerContext) -> Bool {
        guard !writing else { return false }
        writing = true
        defer { writing = false }
        while !exposition.isComplete && context.channel.isWritable {
            piece.removeAll(keepingCapacity: true)
            exposition.append(upTo: ExpositionStream.pieceSize, to: &piece)
            let buffer = context.channel.allocator.buffer(bytes: piece)
            context.writeAndFlush(NIOAny(HTTPServerResponsePart.body(.byteBuffer(buffer))), promise: nil)
        }
        return exposition.isComplete
    }
}
