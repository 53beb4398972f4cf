package org.qdsr.control.message;

/**
 * Frame type codes. Ranges (docs/control-protocol.md "Versioning"):
 * <ul>
 * <li>{@code 0x00..0x3f}: core messages; an unknown core type is a protocol error.</li>
 * <li>{@code 0x40..0x3fff}: optional extensions; a receiver that does not know one skips it.</li>
 * <li>{@code 0x4000} and above: mandatory extensions; an unknown one is a protocol error, so a
 *     sender uses them only after the peer announced a protocol version that defines them.</li>
 * </ul>
 */
public final class MessageType {
    public static final int HELLO = 0x01;
    public static final int HELLO_ACK = 0x02;
    public static final int HEARTBEAT = 0x03;
    public static final int HEARTBEAT_ACK = 0x04;
    public static final int ERROR = 0x05;
    public static final int HANDOFF = 0x10;
    public static final int ACK_FORWARD = 0x11;
    public static final int STREAM_CONTROL = 0x12;
    public static final int CREDIT_GRANT = 0x13;
    public static final int CREDIT_REQUEST = 0x14;
    public static final int KEY_UPDATE = 0x15;
    public static final int CONNECTION_CLOSED = 0x16;
    public static final int STREAM_REPORT = 0x17;
    public static final int LOAD_REPORT = 0x18;
    public static final int PROXY_HEAD = 0x19;
    public static final int PROXY_DATA = 0x1a;
    public static final int STREAM_READY = 0x1b;
    public static final int SEND_INSTRUCTIONS = 0x1c;
    public static final int SEND_REPORT = 0x1d;
    public static final int KEY_UPDATE_REQUEST = 0x1e;
    /** RS to LB: graceful shutdown, route nothing new here (optional extension). */
    public static final int DRAINING = 0x40;
    /** LB to RS: the client's validated new address for a connection (optional extension, RFC 9000 §9). */
    public static final int PEER_ADDRESS_UPDATE = 0x41;
    /** RS to LB: the address it sends responses from (optional extension). */
    public static final int SEND_ADDRESS = 0x42;

    /** First code of the optional-extension range. */
    public static final long FIRST_OPTIONAL = 0x40;
    /** First code of the mandatory-extension range. */
    public static final long FIRST_MANDATORY_EXTENSION = 0x4000;

    private MessageType() {
    }

    /** Whether a receiver that does not know {@code type} may skip the frame. */
    public static boolean skippableIfUnknown(long type) {
        return type >= FIRST_OPTIONAL && type < FIRST_MANDATORY_EXTENSION;
    }
}
