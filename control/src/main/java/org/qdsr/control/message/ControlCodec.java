package org.qdsr.control.message;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import org.qdsr.quic.wire.ByteWriter;

/**
 * The control protocol's framing (docs/control-protocol.md): every message is
 * {@code type (varint) | length (varint) | body}. One-shot helpers over {@link ControlEncoder}
 * and {@link ControlDecoder}.
 */
public final class ControlCodec {
    /** The protocol version this code speaks. */
    public static final int PROTOCOL_VERSION = 1;
    /** Largest message body accepted by default: 16 MiB. */
    public static final int DEFAULT_MAX_MESSAGE_SIZE = 16 * 1024 * 1024;

    private ControlCodec() {
    }

    /** The framed message. */
    public static byte[] encode(ControlMessage m) {
        ControlEncoder e = new ControlEncoder(256);
        e.append(m);
        return e.toByteArray();
    }

    public static void encode(ControlMessage m, OutputStream out) throws IOException {
        out.write(encode(m));
    }

    /** Writes the framed message; IndexOutOfBoundsException if it does not fit (see {@link #encodedSize}). */
    public static void encode(ControlMessage m, ByteWriter out) {
        out.writeBytes(encode(m));
    }

    public static int encodedSize(ControlMessage m) {
        return encode(m).length;
    }

    /** Exactly one framed message, no trailing bytes. */
    public static ControlMessage decode(byte[] frame) throws ControlProtocolException {
        ControlDecoder decoder = new ControlDecoder();
        List<ControlMessage> out = decoder.feed(frame);
        if (out.size() != 1 || decoder.buffered() != 0) {
            throw new ControlProtocolException("expected exactly one whole message");
        }
        return out.get(0);
    }
}
