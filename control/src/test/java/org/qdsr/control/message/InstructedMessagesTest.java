package org.qdsr.control.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.qdsr.control.message.Samples.DCID;
import static org.qdsr.control.message.Samples.MAX;
import static org.qdsr.control.message.Samples.packet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.qdsr.quic.path.SendInstruction;
import org.qdsr.quic.wire.ConnectionId;

/** StreamReady, SendInstructions, SendReport: exact bytes, bounds, malformed bodies. */
class InstructedMessagesTest {
    private static final byte[] NONE = new byte[0];

    @Test
    void sendInstructionsHasTheSpecifiedLayout() throws Exception {
        SendInstructions s = SendInstructions.of(9, 1,
                List.of(packet(100, 2, 0, 1100, false, NONE), packet(101, 1, 1100, 7, true, new byte[] {0, 1})),
                new long[] {4, 900});
        String body = "09" + "01" + "03" + "01" + "08" + "0102030405060708" + "02"
                + "4064" + "02" + "04" + "00" + "444c" + "00" + "00"
                + "4065" + "01" + "04" + "444c" + "07" + "01" + "02" + "0001"
                + "01" + "04" + "4384";
        assertThat(HexFormat.of().formatHex(ControlCodec.encode(s))).isEqualTo("1c" + "26" + body);
        SendInstructions back = (SendInstructions) ControlCodec.decode(ControlCodec.encode(s));
        assertThat(back).isEqualTo(s);
        SendInstruction p = back.packet(1);
        assertThat(p.keyGeneration()).isEqualTo(3);
        assertThat(p.keyPhase()).isTrue();
        assertThat(p.dcid()).isEqualTo(DCID);
        assertThat(p.prefix()).containsExactly(0, 1);
        assertThat(p.datagramSize()).isEqualTo(1 + 8 + 1 + 2 + 1 + 1 + 2 + 7 + 16);
        assertThat(back.releaseCount()).isEqualTo(1);
        assertThat(back.releasedStreamId(0)).isEqualTo(4);
        assertThat(back.releasedOffset(0)).isEqualTo(900);
    }

    @Test
    void reportAndReadyHaveTheSpecifiedLayout() {
        assertThat(HexFormat.of().formatHex(ControlCodec.encode(SendReport.allSent(9, 1, 2, 35))))
                .isEqualTo("1d06" + "0901022300" + "00");
        SendReport failed = new SendReport(9, 1, 1, 0, new long[] {7, 8}, SendReport.FailReason.KEYS);
        assertThat(HexFormat.of().formatHex(ControlCodec.encode(failed))).isEqualTo("1d08" + "09010100020708" + "03");
        assertThat(HexFormat.of().formatHex(ControlCodec.encode(new StreamReady(9, 4, 1234, true))))
                .isEqualTo("1b05" + "0904" + "44d2" + "01");
        assertThat(HexFormat.of().formatHex(ControlCodec.encode(new StreamReady(9, 4, 1234, false, 200))))
                .as("the status is appended").isEqualTo("1b07" + "0904" + "44d2" + "00" + "40c8");
    }

    @Test
    void streamReadyStatusIsOptionalAndChecked() throws Exception {
        assertThat(ControlCodec.decode(HexFormat.of().parseHex("1b05" + "0904" + "44d2" + "01")))
                .as("a body without the status (an older RS)").isEqualTo(new StreamReady(9, 4, 1234, true, 0));
        assertThat(ControlCodec.decode(ControlCodec.encode(new StreamReady(9, 4, 1234, true, 404))))
                .isEqualTo(new StreamReady(9, 4, 1234, true, 404));
        assertThatThrownBy(() -> ControlCodec.decode(HexFormat.of().parseHex("1b06" + "0904" + "44d2" + "01" + "32")))
                .isInstanceOf(ControlProtocolException.class).hasMessageContaining("status");
        assertThatThrownBy(() -> new StreamReady(9, 4, 1234, true, 42)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void maxValuesAndZeroCountsRoundTrip() throws Exception {
        for (ControlMessage m : List.of(
                SendInstructions.releasesOnly(0, 0, new long[] {0, 0}),
                SendInstructions.of(1, 2, List.of(packet(0, 1, 0, 0, true, NONE)), new long[0]),
                SendInstructions.of(1, 2, maxPackets(), new long[0]),
                SendInstructions.releasesOnly(MAX, MAX, releases(SendInstructions.MAX_RELEASES)),
                SendReport.allSent(0, 0, 0, 0),
                SendReport.allSent(MAX, MAX, SendInstructions.MAX_PACKETS, MAX),
                new SendReport(1, 1, 0, 0, new long[] {MAX}, SendReport.FailReason.OVERLOAD),
                new StreamReady(0, 0, 0, false))) {
            assertThat(ControlCodec.decode(ControlCodec.encode(m))).isEqualTo(m);
        }
    }

    @Test
    void releasesOnlyBatchHasNeutralKeyFields() throws Exception {
        SendInstructions r = SendInstructions.releasesOnly(9, 2, new long[] {4, 1107, 8, 5});
        assertThat(r.packets()).isEmpty();
        assertThat(r.keyGeneration()).isZero();
        assertThat(r.keyPhase()).isFalse();
        assertThat(r.dcid()).isEqualTo(ConnectionId.EMPTY);
        assertThat(HexFormat.of().formatHex(ControlCodec.encode(r))).isEqualTo("1c0c" + "0902000000" + "00" + "02"
                + "04" + "4453" + "08" + "05");
        assertThat(r.toString()).isEqualTo("SendInstructions[connection=9, batch=2, keyGeneration=0, keyPhase=0, "
                + "dcid=, packets=0, releases=[4<1107, 8<5]]");
    }

    @Test
    void constructorRejectsMixedAndOutOfBoundsBatches() {
        SendInstruction ok = packet(10, 2, 0, 10, false, NONE);
        List<SendInstruction> otherGeneration = List.of(ok,
                new SendInstruction(11, 2, true, 4, DCID, 4, 10, 10, false, NONE));
        List<SendInstruction> otherPhase = List.of(ok,
                new SendInstruction(11, 2, false, 3, DCID, 4, 10, 10, false, NONE));
        List<SendInstruction> otherDcid = List.of(ok,
                new SendInstruction(11, 2, true, 3, ConnectionId.of(new byte[] {1}), 4, 10, 10, false, NONE));
        for (List<SendInstruction> bad : List.of(otherGeneration, otherPhase, otherDcid,
                List.of(ok, packet(10, 2, 0, 10, false, NONE)),
                List.of(packet(1, 2, 0, SendInstructions.MAX_LENGTH + 1, false, NONE)),
                List.of(packet(1, 2, 0, 1, false, new byte[SendInstructions.MAX_PREFIX + 1])),
                List.of(packet(1, 2, MAX, 1, false, NONE)),
                List.of(packet(MAX + 1, 4, 0, 1, false, NONE)))) {
            assertThatThrownBy(() -> SendInstructions.of(1, 1, bad, new long[0]))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        List<SendInstruction> tooMany = new ArrayList<>(maxPackets());
        tooMany.add(packet(SendInstructions.MAX_PACKETS + 5, 1, 0, 1, false, NONE));
        assertThatThrownBy(() -> SendInstructions.of(1, 1, tooMany, new long[0]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SendInstructions.of(1, 1, List.of(), new long[] {4, 1}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SendInstructions.releasesOnly(1, 1, new long[0]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SendInstructions.releasesOnly(1, 1, new long[] {4}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SendInstructions.releasesOnly(1, 1, new long[] {4, -1}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sendReportRejectsInconsistentFailures() {
        assertThatThrownBy(() -> new SendReport(1, 1, 1, 0, new long[] {5}, SendReport.FailReason.NONE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SendReport(1, 1, 1, 0, new long[0], SendReport.FailReason.KEYS))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SendReport(1, 1, 1, 0, new long[] {6, 5}, SendReport.FailReason.KEYS))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SendReport.allSent(1, 1, SendInstructions.MAX_PACKETS + 1, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SendReport.allSent(1, 1, -1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyTruncationIsAProtocolError() {
        for (ControlMessage m : Samples.all()) {
            if (!(m instanceof SendInstructions || m instanceof SendReport || m instanceof StreamReady)) {
                continue;
            }
            FrameBuffer body = new FrameBuffer(64);
            writeBody(m, body);
            int optionalFrom = -1; // a body cut where an appended field begins is the older layout
            if (m instanceof StreamReady r && r.status() != 0) {
                FrameBuffer older = new FrameBuffer(64);
                writeBody(new StreamReady(r.connectionKey(), r.streamId(), r.readyOffset(), r.fin()), older);
                optionalFrom = older.size();
            }
            for (int cut = 0; cut < body.size(); cut++) {
                if (cut == optionalFrom) {
                    continue;
                }
                byte[] truncated = Arrays.copyOf(body.array(), cut);
                assertRejected(frame(m.typeCode(), b -> b.bytes(truncated, 0, truncated.length)), "");
            }
        }
    }

    @Test
    void rejectsMalformedSendInstructions() {
        assertRejected(instructions(1, 1, 0, 0, 0, NONE, 0), "packet number length 0");
        assertRejected(instructions(1, 1, 5, 0, 0, NONE, 0), "packet number length 5");
        assertRejected(instructions(2, 1, 1, 0, 0, NONE, 0), "flag byte 2");
        assertRejected(instructions(1, 1, 1, 2, 0, NONE, 0), "flag byte 2");
        assertRejected(instructions(1, 1, 1, 0, 65536, NONE, 0), "packet stream length 65536");
        assertRejected(instructions(1, 1, 1, 0, 0, new byte[1201], 0), "prefix of 1201 bytes");
        assertRejected(instructions(1, 2, 1, 0, 0, NONE, 0), "");
        assertRejected(instructions(1, 4097, 1, 0, 0, NONE, 0), "packet count 4097 exceeds 4096");
        assertRejected(instructions(1, 1000, 1, 0, 0, NONE, 0), "exceeds the body");
        assertRejected(releasesOnly(4097), "release count 4097 exceeds 4096");
        assertRejected(releasesOnly(3), "release count 3 exceeds the body");
        assertRejected(releasesOnly(0), "neither packets nor releases");
        assertRejected(frame(MessageType.SEND_INSTRUCTIONS, b -> {
            b.varint(1);
            b.varint(1);
            b.varint(0);
            b.u8(0);
            b.varint(21);
            b.bytes(new byte[21], 0, 21);
        }), "connection ID of 21 bytes");
    }

    @Test
    void rejectsMalformedReportsAndReady() {
        assertRejected(report(0, new long[] {5}, 0), "failReason NONE");
        assertRejected(report(0, new long[0], 2), "failReason DATA_NOT_HELD");
        assertRejected(report(0, new long[] {1}, 5), "unknown failReason");
        assertRejected(report(0, new long[] {2, 2}, 1), "not ascending");
        assertRejected(report(4097, new long[0], 0), "sent count 4097");
        assertRejected(report(4096, new long[] {1}, 1), "exceeds 4096");
        assertRejected(frame(MessageType.STREAM_READY, b -> {
            b.varint(1);
            b.varint(4);
            b.varint(10);
            b.u8(2);
        }), "flag byte 2");
        assertRejected(frame(MessageType.HANDOFF, b -> {
            b.varint(1);
            b.varint(1);
            b.varint(0);
            b.varint(4);
        }), "unknown mode");
    }

    @Test
    void recordsCopyTheirArrays() {
        long[] releases = {4, 10};
        SendInstructions s = SendInstructions.releasesOnly(1, 1, releases);
        releases[1] = 99;
        s.releases()[1] = 98;
        assertThat(s.releasedOffset(0)).isEqualTo(10);
        long[] failed = {3};
        SendReport r = new SendReport(1, 1, 0, 0, failed, SendReport.FailReason.UNKNOWN_STREAM);
        failed[0] = 4;
        r.failedPacketNumbers()[0] = 5;
        assertThat(r.failedPacketNumber(0)).isEqualTo(3);
        List<SendInstruction> list = new ArrayList<>(List.of(packet(1, 1, 0, 1, false, NONE)));
        SendInstructions p = SendInstructions.of(1, 1, list, new long[0]);
        list.clear();
        assertThat(p.packetCount()).isEqualTo(1);
        assertThatThrownBy(() -> p.packets().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    /** A one-packet (or {@code count}-packet header) batch built by hand, to DCID 0x07. */
    private static byte[] instructions(int keyPhase, long count, int pnLength, int fin, long length, byte[] prefix,
                                       long releaseCount) {
        return frame(MessageType.SEND_INSTRUCTIONS, b -> {
            b.varint(9);
            b.varint(1);
            b.varint(0);
            b.u8(keyPhase);
            b.varint(1);
            b.u8(7);
            b.varint(count);
            b.varint(100);
            b.u8(pnLength);
            b.varint(4);
            b.varint(0);
            b.varint(length);
            b.u8(fin);
            b.lengthPrefixed(prefix);
            b.varint(releaseCount);
        });
    }

    /** A batch without packets announcing {@code releaseCount} releases and carrying one. */
    private static byte[] releasesOnly(long releaseCount) {
        return frame(MessageType.SEND_INSTRUCTIONS, b -> {
            b.varint(9);
            b.varint(1);
            b.varint(0);
            b.u8(0);
            b.varint(0);
            b.varint(0);
            b.varint(releaseCount);
            if (releaseCount > 0) {
                b.varint(4);
                b.varint(10);
            }
        });
    }

    private static byte[] report(long sent, long[] failed, long reason) {
        return frame(MessageType.SEND_REPORT, b -> {
            b.varint(9);
            b.varint(1);
            b.varint(sent);
            b.varint(0);
            b.varint(failed.length);
            for (long f : failed) {
                b.varint(f);
            }
            b.varint(reason);
        });
    }

    private static byte[] frame(int type, Consumer<FrameBuffer> body) {
        FrameBuffer b = new FrameBuffer(64);
        body.accept(b);
        FrameBuffer f = new FrameBuffer(b.size() + 16);
        f.varint(type);
        f.varint(b.size());
        f.bytes(b.array(), 0, b.size());
        return Arrays.copyOf(f.array(), f.size());
    }

    private static void writeBody(ControlMessage m, FrameBuffer out) {
        if (m instanceof SendInstructions s) {
            InstructedCodec.write(out, s);
        } else if (m instanceof SendReport s) {
            InstructedCodec.write(out, s);
        } else {
            InstructedCodec.write(out, (StreamReady) m);
        }
    }

    private static void assertRejected(byte[] frame, String message) {
        assertThatThrownBy(() -> new ControlDecoder().feed(frame)).isInstanceOf(ControlProtocolException.class)
                .hasMessageContaining(message);
    }

    private static List<SendInstruction> maxPackets() {
        List<SendInstruction> out = new ArrayList<>();
        for (int i = 0; i < SendInstructions.MAX_PACKETS; i++) {
            out.add(packet(1000 + i, 2, 100L * i, 100, false, NONE));
        }
        return out;
    }

    private static long[] releases(int n) {
        long[] out = new long[2 * n];
        for (int i = 0; i < n; i++) {
            out[2 * i] = 4L * i;
            out[2 * i + 1] = MAX - i;
        }
        return out;
    }
}
