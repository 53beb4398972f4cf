package org.qdsr.control.message;

import java.util.List;
import org.qdsr.quic.path.SendInstruction;
import org.qdsr.quic.wire.ConnectionId;

/** One instance of every message type, with non-trivial field values. */
public final class Samples {
    public static final byte[] SECRET = "0123456789abcdef0123456789ABCDEF".getBytes();

    private Samples() {
    }

    public static List<ControlMessage> all() {
        RequestHead req = new RequestHead("POST", "https", "example.com:4433", "/upload?x=1",
                List.of(new Header("content-type", "text/plain"), new Header("x-ünï", "välue")), new byte[] {1, 2, 3});
        return List.of(
                new Hello(1, "lb-1", Role.LOAD_BALANCER),
                new HelloAck(1, "rs-a", Role.REAL_SERVER),
                new Heartbeat(7, -123456789L),
                new HeartbeatAck(7, Long.MIN_VALUE),
                new ControlError(ControlError.VERSION_MISMATCH, "no common version"),
                new Handoff(42, 9, 4, SECRET, req, Handoff.Mode.ISOLATED),
                new Handoff(43, (1L << 62) - 1, 8, new byte[0], RequestHead.get("https", "a", "/", List.of()),
                        Handoff.Mode.PROXY),
                new AckForward(9, 3, 1000, new long[] {90, 100, 50, 60, 0, 0}),
                new AckForward(1, 0, 0, new long[] {5, 5}),
                new StreamControl(9, 4, StreamControl.Kind.MAX_STREAM_DATA, 1 << 20),
                new StreamControl(9, 4, StreamControl.Kind.STOP_SENDING, 0x10c),
                new StreamControl(9, 4, StreamControl.Kind.RESET_STREAM, 0),
                new CreditGrant(9, 65536),
                new CreditRequest(9, 4, 123456),
                new KeyUpdateRequest(9, 8_388_608),
                new Draining(10_000),
                new PeerAddressUpdate(9, new java.net.InetSocketAddress("192.0.2.7", 50000)),
                new PeerAddressUpdate(MAX, new java.net.InetSocketAddress("2001:db8::1", 65535)),
                new SendAddress(new java.net.InetSocketAddress("198.18.0.100", 4433)),
                new SendAddress(new java.net.InetSocketAddress("2001:db8::64", 443)),
                new KeyUpdate(9, SECRET, true, 3),
                new ConnectionClosed(9, 0x100),
                new StreamReport(9, 4, StreamReport.Outcome.FINISHED, 0, 1000, 1000, 200),
                new StreamReport(9, 8, StreamReport.Outcome.REJECTED, 0x10b, 0, 0, 0),
                new StreamReport(9, 12, StreamReport.Outcome.FAILED, 0, 5000, 1200, 200, true),
                new LoadReport(12, 3, 1_000_000_000L, 0.75),
                new ProxyHead(9, 4, 200, List.of(new Header("content-length", "5")), 5),
                new ProxyHead(9, 8, 404, List.of(), -1),
                new ProxyData(9, 4, 0, "hello".getBytes(), true),
                new ProxyData(9, 4, 5, new byte[0], false),
                new Handoff(44, 10, 0, SECRET, req, Handoff.Mode.INSTRUCTED),
                new Handoff(45, 10, 4, SECRET, req, Handoff.Mode.PROXY, true),
                new StreamReady(9, 4, 1234, false),
                new StreamReady(MAX, MAX, MAX, true, 999),
                SendInstructions.of(9, 1, List.of(packet(100, 2, 0, 1100, false, new byte[0]),
                        packet(101, 4, 1100, 7, true, new byte[] {0x00, 0x00, 0x01})), new long[] {4, 900, 8, 0}),
                SendInstructions.of(MAX, MAX, List.of(new SendInstruction(MAX, 4, true, MAX, ConnectionId.of(new byte[20]),
                        MAX, MAX - SendInstructions.MAX_LENGTH, SendInstructions.MAX_LENGTH, true,
                        new byte[SendInstructions.MAX_PREFIX])), new long[] {MAX, MAX}),
                SendInstructions.releasesOnly(9, 2, new long[] {4, 1107}),
                SendReport.allSent(9, 1, 2, 35),
                new SendReport(MAX, MAX, 0, MAX, new long[] {3, MAX}, SendReport.FailReason.DATA_NOT_HELD));
    }

    static final long MAX = (1L << 62) - 1;
    static final ConnectionId DCID = ConnectionId.of(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});

    /** A packet of generation 3, key phase 1, to {@link #DCID}, on stream 4. */
    static SendInstruction packet(long pn, int pnLength, long offset, int length, boolean fin, byte[] prefix) {
        return new SendInstruction(pn, pnLength, true, 3, DCID, 4, offset, length, fin, prefix);
    }
}
