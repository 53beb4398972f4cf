package org.qdsr.control.message;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.qdsr.quic.wire.VarInt;

/**
 * Incremental frame decoder: feed it byte slices as they arrive (any split), it hands out whole
 * messages in order. Frames of unknown optional types are skipped. After a
 * {@link ControlProtocolException} the stream is unusable (the channel closes). Not thread-safe.
 */
public final class ControlDecoder {
    private final int maxMessageSize;
    private byte[] pending = new byte[0];
    private int pendingLength;
    private boolean failed;

    public ControlDecoder() {
        this(ControlCodec.DEFAULT_MAX_MESSAGE_SIZE);
    }

    /** @param maxMessageSize largest body accepted, in bytes */
    public ControlDecoder(int maxMessageSize) {
        this.maxMessageSize = maxMessageSize;
    }

    /** Decodes what it can from {@code buf[off, off+len)} plus earlier leftovers. */
    public void feed(byte[] buf, int off, int len, Consumer<? super ControlMessage> sink)
            throws ControlProtocolException {
        if (off < 0 || len < 0 || len > buf.length - off) {
            throw new IllegalArgumentException("slice out of range");
        }
        if (failed) {
            throw new ControlProtocolException("decoder failed earlier");
        }
        try {
            if (pendingLength == 0) {
                int used = drain(buf, off, len, sink);
                keep(buf, off + used, len - used);
            } else {
                append(buf, off, len);
                int used = drain(pending, 0, pendingLength, sink);
                pendingLength -= used;
                System.arraycopy(pending, used, pending, 0, pendingLength);
            }
        } catch (ControlProtocolException e) {
            failed = true;
            throw e;
        }
    }

    /** Convenience: all messages completed by {@code bytes}. */
    public List<ControlMessage> feed(byte[] bytes) throws ControlProtocolException {
        List<ControlMessage> out = new ArrayList<>();
        feed(bytes, 0, bytes.length, out::add);
        return out;
    }

    /** Bytes held waiting for the rest of a frame. */
    public int buffered() {
        return pendingLength;
    }

    /** Decodes whole frames; returns the bytes consumed. */
    private int drain(byte[] b, int off, int len, Consumer<? super ControlMessage> sink)
            throws ControlProtocolException {
        int p = off;
        int end = off + len;
        while (p < end) {
            int typeLen = VarInt.lengthOf(b[p]);
            if (end - p < typeLen + 1) {
                break;
            }
            int lenLen = VarInt.lengthOf(b[p + typeLen]);
            if (end - p < typeLen + lenLen) {
                break;
            }
            long type = VarInt.decode(b, p);
            long bodyLen = VarInt.decode(b, p + typeLen);
            if (bodyLen > maxMessageSize) {
                throw new ControlProtocolException("message of " + bodyLen + " bytes exceeds " + maxMessageSize);
            }
            int bodyStart = p + typeLen + lenLen;
            if (end - bodyStart < bodyLen) {
                break;
            }
            ControlMessage m = BodyDecoder.decode(type, b, bodyStart, (int) bodyLen);
            p = bodyStart + (int) bodyLen;
            if (m != null) {
                sink.accept(m);
            }
        }
        return p - off;
    }

    private void keep(byte[] b, int off, int len) {
        if (len > 0) {
            append(b, off, len);
        }
    }

    private void append(byte[] b, int off, int len) {
        if (pending.length - pendingLength < len) {
            pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + len));
        }
        System.arraycopy(b, off, pending, pendingLength, len);
        pendingLength += len;
    }
}
