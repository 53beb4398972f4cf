package org.qdsr.quic.wire;

import java.util.List;

/** One or more instances of every frame variant, for table-driven tests. */
final class FrameSamples {
    private FrameSamples() {
    }

    static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed + 31 * i);
        }
        return b;
    }

    static List<Frame> all() {
        List<AckRange> three = List.of(new AckRange(90, 100), new AckRange(50, 60), new AckRange(0, 0));
        ConnectionId cid = ConnectionId.of(bytes(8, 3));
        return List.of(
                new PaddingFrame(1),
                new PaddingFrame(37),
                PingFrame.INSTANCE,
                new AckFrame(-1, 0, 0, List.of(new AckRange(0, 0)), null),
                new AckFrame(-1, 100, 1234, three, null),
                new AckFrame(-1, 100, 7, three, new EcnCounts(1, 2, 300000)),
                new AckFrame(3, 100, 7, three, null),
                new AckFrame(70000, 1L << 40, 7, List.of(new AckRange(5, 1L << 40)), new EcnCounts(0, 0, 9)),
                new ResetStreamFrame(4, 0x101, 1L << 35),
                new StopSendingFrame(8, 0x10c),
                new CryptoFrame(0, bytes(40, 1)),
                new CryptoFrame(70000, bytes(3, 2)),
                new NewTokenFrame(bytes(70, 4)),
                new StreamFrame(0, 0, bytes(10, 5), false),
                new StreamFrame(1L << 40, 1L << 50, bytes(100, 6), true),
                new StreamFrame(3, 0, new byte[0], true),
                new MaxDataFrame(1L << 61),
                new MaxStreamDataFrame(7, 1 << 20),
                new MaxStreamsFrame(true, 100),
                new MaxStreamsFrame(false, 1L << 60),
                new DataBlockedFrame(65),
                new StreamDataBlockedFrame(11, 16384),
                new StreamsBlockedFrame(true, 3),
                new StreamsBlockedFrame(false, 1L << 60),
                new NewConnectionIdFrame(-1, 5, 2, cid, bytes(16, 7)),
                new NewConnectionIdFrame(4, 5, 5, ConnectionId.of(bytes(20, 8)), bytes(16, 9)),
                new RetireConnectionIdFrame(-1, 77),
                new RetireConnectionIdFrame(2, 77),
                new PathChallengeFrame(bytes(8, 10)),
                new PathResponseFrame(bytes(8, 11)),
                new ConnectionCloseFrame(false, 0x0a, 0x08, "bad stream \u00e9"),
                new ConnectionCloseFrame(true, 0x100, 0, ""),
                HandshakeDoneFrame.INSTANCE,
                new PathAbandonFrame(1, 0x3e75),
                new PathStatusFrame(2, 9, true),
                new PathStatusFrame(2, 10, false),
                new MaxPathIdFrame(1L << 31),
                new PathsBlockedFrame(4),
                new PathCidsBlockedFrame(3, 12),
                new AckFrequencyFrame(0, 1, 1000, 1),
                new AckFrequencyFrame(1L << 40, 255, (1L << 14) * 1000 - 1, 0),
                ImmediateAckFrame.INSTANCE);
    }

    static byte[] encode(Frame f) {
        byte[] out = new byte[f.encodedLength()];
        ByteWriter w = new ByteWriter(out);
        FrameCodec.write(f, w);
        if (w.position() != out.length) {
            throw new AssertionError("encodedLength mismatch for " + f);
        }
        return out;
    }
}
