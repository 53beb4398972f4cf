package org.qdsr.rs;

import java.io.IOException;
import org.qdsr.quic.path.ConnectionSnapshot;
import org.qdsr.rs.content.Content;
import org.qdsr.rs.content.ResponseHead;

/**
 * One handed-off response: moves the head and body of a {@link Content} into a
 * {@link StreamOutput} as far as the output has room. The same code serves both delivery modes.
 */
final class ResponseStream {
    /** H3_INTERNAL_ERROR (RFC 9114 §8.1): the response cannot be completed. */
    static final long H3_INTERNAL_ERROR = 0x102;
    /** H3_REQUEST_CANCELLED (RFC 9114 §8.1). */
    static final long H3_REQUEST_CANCELLED = 0x10c;

    enum State { WAITING_HEAD, BODY, FIN_WRITTEN, ENDED }

    /** What a pump ended with. */
    enum Result { PROGRESS_LATER, FIN_WRITTEN, REJECT, FAIL }

    final long streamId;
    final boolean proxy;
    private final Content content;
    private final boolean headRequest;
    /** Isolated mode: the stream's send state, added to the path sender when the head is ready. */
    ConnectionSnapshot.StreamSnapshot pendingStream;
    /** Highest MAX_STREAM_DATA seen before the stream joined the sender. */
    long maxStreamData = -1;
    StreamOutput output;
    /** Instructed mode: the buffer behind {@link #output}. */
    InstructedOutput instructed;
    /** For the access log: the request, when it was handed off, how it is delivered, to whom. */
    org.qdsr.control.message.RequestHead request;
    long startNanos;
    String mode;
    java.net.InetSocketAddress client;
    private State state = State.WAITING_HEAD;
    private long bodyLength = -1;
    private long bodyWritten;
    private int status;

    ResponseStream(long streamId, boolean proxy, Content content, boolean headRequest) {
        this.streamId = streamId;
        this.proxy = proxy;
        this.content = content;
        this.headRequest = headRequest;
    }

    State state() {
        return state;
    }

    int status() {
        return status;
    }

    long bytesWritten() {
        return output == null ? 0 : output.bytesWritten();
    }

    /** While waiting for the content: when it may progress on its own. */
    long wakeAt() {
        return state == State.WAITING_HEAD || state == State.BODY ? content.notBefore() : Long.MAX_VALUE;
    }

    /** The head, if the content has one now; a failed content is reported as REJECT by {@link #pump}. */
    ResponseHead peekHead(long now) throws IOException {
        return content.head(now);
    }

    /**
     * Moves what it can. {@code output} must be set before the head is written (the core attaches
     * the path output once {@link #peekHead} is non-null).
     */
    Result pump(byte[] scratch, long now) {
        try {
            if (state == State.WAITING_HEAD && !startBody(now)) {
                return Result.PROGRESS_LATER;
            }
        } catch (IOException | RuntimeException e) {
            end();
            return Result.REJECT;
        }
        try {
            return state == State.BODY ? pumpBody(scratch, now) : Result.PROGRESS_LATER;
        } catch (IOException | RuntimeException e) {
            output.reset(H3_INTERNAL_ERROR);
            end();
            return Result.FAIL;
        }
    }

    private boolean startBody(long now) throws IOException {
        ResponseHead head = content.head(now);
        if (head == null || output == null) {
            return false;
        }
        status = head.status();
        bodyLength = headRequest ? 0 : head.contentLength();
        output.writeHead(head, headRequest || head.contentLength() == 0);
        state = State.BODY;
        return true;
    }

    private Result pumpBody(byte[] scratch, long now) throws IOException {
        while (true) {
            if (bodyLength >= 0 && bodyWritten == bodyLength) {
                return finish();
            }
            long room = output.bodyWritable();
            if (room <= 0) {
                return Result.PROGRESS_LATER;
            }
            int want = (int) Math.min(room, scratch.length);
            if (bodyLength >= 0) {
                want = (int) Math.min(want, bodyLength - bodyWritten);
            }
            int n = content.read(scratch, 0, want, now);
            if (n == 0) {
                return Result.PROGRESS_LATER;
            }
            if (n < 0) {
                if (bodyLength >= 0) {
                    throw new IOException("body ended after " + bodyWritten + " of " + bodyLength + " bytes");
                }
                return finish();
            }
            output.writeBody(scratch, 0, n);
            bodyWritten += n;
        }
    }

    private Result finish() {
        output.finish();
        content.close();
        state = State.FIN_WRITTEN;
        return Result.FIN_WRITTEN;
    }

    /** Resets the response (client STOP_SENDING / RESET_STREAM, connection failure) and releases the content. */
    void abort(long errorCode) {
        if (output != null && state != State.ENDED) {
            output.reset(errorCode);
        }
        end();
    }

    void end() {
        state = State.ENDED;
        content.close();
    }
}
