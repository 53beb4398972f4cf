package org.qdsr.quic.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.qdsr.quic.QuicException;
import org.qdsr.quic.TransportError;

class FrameCodecTest {
    private static final HexFormat HEX = HexFormat.of();

    static Stream<Frame> frames() {
        return FrameSamples.all().stream();
    }

    @ParameterizedTest
    @MethodSource("frames")
    void roundTripsIn1Rtt(Frame frame) throws QuicException {
        byte[] wire = FrameSamples.encode(frame);
        assertThat(FrameCodec.encodedLength(frame)).isEqualTo(wire.length);
        List<Frame> parsed = FrameCodec.parseAll(wire, 0, wire.length, PacketType.ONE_RTT);
        assertThat(parsed).containsExactly(frame);
        assertThat(parsed.get(0).type()).isEqualTo(frame.type());
        assertThat(new ByteReader(wire).readVarInt()).isEqualTo(frame.type());
    }

    @ParameterizedTest
    @MethodSource("frames")
    void everyTruncationIsAFrameEncodingError(Frame frame) {
        if (frame instanceof PaddingFrame) {
            return; // any prefix of padding is padding
        }
        byte[] wire = FrameSamples.encode(frame);
        int typeSize = VarInt.size(frame.type());
        for (int k = 1; k < wire.length; k++) {
            long expectedType = k >= typeSize ? frame.type() : 0;
            ByteReader r = new ByteReader(wire, 0, k);
            assertThatThrownBy(() -> FrameCodec.parse(r, PacketType.ONE_RTT))
                    .as("%s truncated to %d", frame, k)
                    .isInstanceOfSatisfying(QuicException.class, e -> {
                        assertThat(e.errorCode()).isEqualTo(TransportError.FRAME_ENCODING_ERROR.code());
                        assertThat(e.frameType()).isEqualTo(expectedType);
                    });
        }
    }

    /** Golden encodings pin the RFC 9000 and draft-ietf-quic-multipath-21 codepoints. */
    @Test
    void writesExpectedCodepoints() {
        assertHex(new AckFrame(3, 10, 2, List.of(new AckRange(8, 10)), null), "3e" + "03" + "0a" + "02" + "00" + "02");
        assertHex(new AckFrame(-1, 10, 2, List.of(new AckRange(10, 10)), new EcnCounts(1, 0, 2)), "03" + "0a" + "02" + "00" + "00" + "010002");
        assertHex(new PathAbandonFrame(1, 0), "7e75" + "01" + "00");
        assertHex(new PathStatusFrame(1, 2, false), "7e76" + "01" + "02");
        assertHex(new PathStatusFrame(1, 2, true), "7e77" + "01" + "02");
        assertHex(new RetireConnectionIdFrame(1, 2), "7e79" + "01" + "02");
        assertHex(new MaxPathIdFrame(5), "7e7a" + "05");
        assertHex(new PathsBlockedFrame(5), "7e7b" + "05");
        assertHex(new PathCidsBlockedFrame(1, 4), "7e7c" + "01" + "04");
        assertHex(new NewConnectionIdFrame(2, 1, 0, ConnectionId.of(HEX.parseHex("aabb")), new byte[16]),
                "7e78" + "02" + "01" + "00" + "02" + "aabb" + "00".repeat(16));
        assertHex(new StreamFrame(4, 0, HEX.parseHex("ff"), false), "0a" + "04" + "01" + "ff");
        assertHex(new ConnectionCloseFrame(false, 7, 0x06, "x"), "1c" + "07" + "06" + "01" + "78");
        assertHex(new ConnectionCloseFrame(true, 7, 0x06, "x"), "1d" + "07" + "01" + "78");
        assertHex(new MaxStreamsFrame(false, 4), "13" + "04");
        assertHex(new StreamsBlockedFrame(true, 4), "16" + "04");
    }

    /** draft-ietf-quic-ack-frequency-14 §4, §5, §11.2: ACK_FREQUENCY 0xaf (all fields varints), IMMEDIATE_ACK 0x1f. */
    @Test
    void writesAckFrequencyCodepoints() throws QuicException {
        assertHex(new AckFrequencyFrame(1, 9, 25_000, 3), "40af" + "01" + "09" + "800061a8" + "03");
        assertHex(ImmediateAckFrame.INSTANCE, "1f");
        assertThat(ImmediateAckFrame.INSTANCE.ackEliciting()).isTrue();
        assertThat(new AckFrequencyFrame(0, 0, 0, 0).ackEliciting()).isTrue();
        // a Reordering Threshold above 255 needs the varint form of -05 and later
        byte[] wire = HEX.parseHex("40af" + "00" + "00" + "4064" + "4100");
        assertThat(FrameCodec.parseAll(wire, 0, wire.length, PacketType.ONE_RTT))
                .containsExactly(new AckFrequencyFrame(0, 0, 100, 256));
    }

    @Test
    void rejectsMalformedAckFrequency() {
        assertFrameError("40af" + "01" + "02" + "03"); // Reordering Threshold missing
        assertFrameError("40af"); // no fields at all
        assertFrameError("40af" + "01" + "02" + "03" + "40"); // truncated varint
    }

    private static void assertHex(Frame f, String hex) {
        assertThat(HEX.formatHex(FrameSamples.encode(f))).as(f.toString()).isEqualTo(hex);
    }

    @Test
    void parsesSeveralFramesAndCoalescesPadding() throws QuicException {
        byte[] wire = HEX.parseHex("01" + "000000" + "1e" + "00");
        assertThat(FrameCodec.parseAll(wire, 0, wire.length, PacketType.ONE_RTT)).containsExactly(
                PingFrame.INSTANCE, new PaddingFrame(3), HandshakeDoneFrame.INSTANCE, new PaddingFrame(1));
    }

    @Test
    void emptyPayloadIsProtocolViolation() {
        assertError(() -> FrameCodec.parseAll(new byte[4], 2, 0, PacketType.ONE_RTT),
                TransportError.PROTOCOL_VIOLATION);
    }

    @Test
    void unknownFrameTypeIsFrameEncodingError() {
        for (String hex : List.of("20", "3d", "4040", "40ae", "40b0", "7e74", "7e7d", "80abcdef")) {
            byte[] wire = HEX.parseHex(hex);
            assertError(() -> FrameCodec.parseAll(wire, 0, wire.length, PacketType.ONE_RTT),
                    TransportError.FRAME_ENCODING_ERROR);
        }
    }

    @Test
    void acceptsNonMinimalFrameType() throws QuicException {
        byte[] wire = HEX.parseHex("4001" + "800000" + "1e");
        assertThat(FrameCodec.parseAll(wire, 0, wire.length, PacketType.ONE_RTT))
                .containsExactly(PingFrame.INSTANCE, HandshakeDoneFrame.INSTANCE);
    }

    /** RFC 9000 §12.4 Table 3, §12.5, draft-ietf-quic-multipath-21 §8. */
    @Test
    void enforcesFramePermissionsPerPacketType() throws QuicException {
        for (Frame f : FrameSamples.all()) {
            long t = f.type();
            boolean handshakeOk = t <= 0x03 || t == 0x06 || t == 0x1c;
            boolean zeroRttOk = t < 0x3e && !List.of(0x02L, 0x03L, 0x06L, 0x07L, 0x19L, 0x1bL, 0x1eL, 0x1fL).contains(t);
            checkPermission(f, PacketType.INITIAL, handshakeOk);
            checkPermission(f, PacketType.HANDSHAKE, handshakeOk);
            checkPermission(f, PacketType.ZERO_RTT, zeroRttOk);
            checkPermission(f, PacketType.ONE_RTT, true);
        }
    }

    private static void checkPermission(Frame f, PacketType type, boolean allowed) throws QuicException {
        byte[] wire = FrameSamples.encode(f);
        if (allowed) {
            assertThat(FrameCodec.parseAll(wire, 0, wire.length, type)).containsExactly(f);
        } else {
            assertError(() -> FrameCodec.parseAll(wire, 0, wire.length, type), TransportError.PROTOCOL_VIOLATION);
        }
    }

    @Test
    void rejectsAckRangeUnderflow() {
        // largest 5, first range 6 -> smallest -1
        assertFrameError("02" + "05" + "00" + "00" + "06");
        // largest 10, first 0, gap 8 -> next largest 0, length 1 -> smallest -1
        assertFrameError("02" + "0a" + "00" + "01" + "00" + "08" + "01");
        // gap past zero
        assertFrameError("02" + "0a" + "00" + "01" + "00" + "0a" + "00");
    }

    @Test
    void parsesAckRangesFromWire() throws QuicException {
        // largest 10, delay 3, 1 extra range, first range 2 -> [8,10], gap 1 -> largest 5, length 1 -> [4,5]
        byte[] wire = HEX.parseHex("02" + "0a" + "03" + "01" + "02" + "01" + "01");
        assertThat(FrameCodec.parseAll(wire, 0, wire.length, PacketType.INITIAL)).containsExactly(
                new AckFrame(-1, 10, 3, List.of(new AckRange(8, 10), new AckRange(4, 5)), null));
    }

    @Test
    void rejectsHugeAckRangeCountWithoutAllocating() {
        assertFrameError("02" + "0a" + "00" + "bfffffff" + "00");
    }

    @Test
    void rejectsStreamAndCryptoBeyond2To62() {
        // STREAM with OFF|LEN, offset 2^62-1, length 1
        assertFrameError("0e" + "00" + "ffffffffffffffff" + "01" + "aa");
        assertFrameError("06" + "ffffffffffffffff" + "01" + "aa");
    }

    @Test
    void rejectsStreamLimitsAbove2To60() {
        assertFrameError("12" + "d000000000000001");
        assertFrameError("17" + "d000000000000001");
    }

    @Test
    void rejectsBadNewConnectionIdAndEmptyToken() {
        String token = "00".repeat(16);
        assertFrameError("18" + "01" + "00" + "00" + token); // zero-length CID
        assertFrameError("18" + "01" + "00" + "15" + "00".repeat(21) + token); // 21 bytes
        assertFrameError("18" + "01" + "02" + "01" + "aa" + token); // retire prior to > sequence
        assertFrameError("07" + "00"); // empty NEW_TOKEN
    }

    @Test
    void streamWithoutLengthRunsToEndOfPacket() throws QuicException {
        byte[] wire = HEX.parseHex("09" + "04" + "616263");
        assertThat(FrameCodec.parseAll(wire, 0, wire.length, PacketType.ONE_RTT))
                .containsExactly(new StreamFrame(4, 0, "abc".getBytes(), true));
    }

    @Test
    void streamAndCryptoHeaderHelpersMatchFrames() {
        byte[] data = FrameSamples.bytes(300, 1);
        byte[] out = new byte[400];
        ByteWriter w = new ByteWriter(out);
        FrameCodec.writeStreamFrameHeader(w, 4, 1000, data.length, true);
        assertThat(w.position()).isEqualTo(FrameCodec.streamFrameHeaderLength(4, 1000, data.length));
        w.writeBytes(data);
        byte[] expected = FrameSamples.encode(new StreamFrame(4, 1000, data, true));
        assertThat(java.util.Arrays.copyOf(out, w.position())).isEqualTo(expected);
        assertThat(expected[0]).isEqualTo((byte) 0x0f);

        w = new ByteWriter(out);
        FrameCodec.writeCryptoFrameHeader(w, 5, data.length);
        assertThat(w.position()).isEqualTo(FrameCodec.cryptoFrameHeaderLength(5, data.length));
        w.writeBytes(data);
        assertThat(java.util.Arrays.copyOf(out, w.position()))
                .isEqualTo(FrameSamples.encode(new CryptoFrame(5, data)));
    }

    @Test
    void ackHelperAndLength() {
        List<AckRange> ranges = List.of(new AckRange(90, 100), new AckRange(50, 60), new AckRange(0, 0));
        AckFrame ack = FrameCodec.ack(-1, ranges, 5);
        assertThat(ack.largestAcknowledged()).isEqualTo(100);
        assertThat(ack.type()).isEqualTo(0x02);
        assertThat(FrameCodec.ackLength(-1, ranges, 3, 5, null)).isEqualTo(ack.encodedLength());
        assertThat(FrameCodec.ackLength(-1, ranges, 1, 5, null))
                .isEqualTo(FrameCodec.ack(-1, ranges.subList(0, 1), 5).encodedLength());
        assertThat(FrameCodec.ack(7, ranges, 5).type()).isEqualTo(0x3e);
        assertThat(ack.ackEliciting()).isFalse();
        assertThat(ack.congestionControlled()).isFalse();
    }

    @Test
    void classifiesFramesPerRfc9002() {
        for (Frame f : FrameSamples.all()) {
            boolean nonEliciting = f instanceof AckFrame || f instanceof PaddingFrame
                    || f instanceof ConnectionCloseFrame;
            assertThat(f.ackEliciting()).as(f.toString()).isEqualTo(!nonEliciting);
            assertThat(f.congestionControlled()).as(f.toString()).isEqualTo(!(f instanceof AckFrame));
        }
        assertThat(new PathChallengeFrame(new byte[8]).probing()).isTrue();
        assertThat(PingFrame.INSTANCE.probing()).isFalse();
    }

    @Test
    void constructorsValidate() {
        assertThatThrownBy(() -> new PathChallengeFrame(new byte[7])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NewConnectionIdFrame(-1, 1, 0, ConnectionId.of(new byte[4]), new byte[15]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NewConnectionIdFrame(-1, 1, 2, ConnectionId.of(new byte[4]), new byte[16]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AckFrame(-1, 10, 0,
                List.of(new AckRange(5, 10), new AckRange(3, 4)), null)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Random and mutated input never throws anything but QuicException. */
    @Test
    void fuzzParseAll() {
        SplittableRandom rnd = new SplittableRandom(20261126);
        List<byte[]> seeds = FrameSamples.all().stream().map(FrameSamples::encode).toList();
        PacketType[] types = {PacketType.INITIAL, PacketType.ZERO_RTT, PacketType.HANDSHAKE, PacketType.ONE_RTT};
        for (int i = 0; i < 100_000; i++) {
            byte[] input;
            if ((i & 1) == 0) {
                input = new byte[rnd.nextInt(48)];
                rnd.nextBytes(input);
            } else {
                input = seeds.get(rnd.nextInt(seeds.size())).clone();
                for (int m = rnd.nextInt(1, 4); m > 0; m--) {
                    input[rnd.nextInt(input.length)] = (byte) rnd.nextInt(256);
                }
            }
            try {
                FrameCodec.parseAll(input, 0, input.length, types[rnd.nextInt(types.length)]);
            } catch (QuicException expected) {
                long code = expected.errorCode();
                if (code != TransportError.FRAME_ENCODING_ERROR.code()
                        && code != TransportError.PROTOCOL_VIOLATION.code()) {
                    fail("unexpected error code " + code);
                }
            } catch (RuntimeException e) {
                fail("parseAll threw " + e + " on " + HEX.formatHex(input), e);
            }
        }
    }

    private static void assertFrameError(String hex) {
        byte[] wire = HEX.parseHex(hex);
        assertError(() -> FrameCodec.parseAll(wire, 0, wire.length, PacketType.ONE_RTT),
                TransportError.FRAME_ENCODING_ERROR);
    }

    private static void assertError(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, TransportError error) {
        assertThatThrownBy(call).isInstanceOfSatisfying(QuicException.class,
                e -> assertThat(e.errorCode()).isEqualTo(error.code()));
    }
}
