package org.qdsr.quic.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.qdsr.quic.QuicException;
import org.qdsr.quic.TransportError;

class TransportParametersTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final ConnectionId CID = ConnectionId.of(HEX.parseHex("8394c8f03e515708"));

    private static TransportParameters serverParams() {
        PreferredAddress pa = new PreferredAddress(new byte[] {10, 0, 0, 1}, 443, new byte[16], 0,
                ConnectionId.of(HEX.parseHex("aabbccdd")), FrameSamples.bytes(16, 3));
        return TransportParameters.defaults().toBuilder()
                .originalDestinationConnectionId(CID)
                .maxIdleTimeout(30_000)
                .statelessResetToken(FrameSamples.bytes(16, 1))
                .maxUdpPayloadSize(1452)
                .initialMaxData(1 << 24)
                .initialMaxStreamDataBidiLocal(1 << 20)
                .initialMaxStreamDataBidiRemote(1 << 19)
                .initialMaxStreamDataUni(1 << 18)
                .initialMaxStreamsBidi(100)
                .initialMaxStreamsUni(3)
                .ackDelayExponent(10)
                .maxAckDelay(50)
                .disableActiveMigration(true)
                .preferredAddress(pa)
                .activeConnectionIdLimit(8)
                .initialSourceConnectionId(ConnectionId.of(HEX.parseHex("f067a5502a4262b5")))
                .retrySourceConnectionId(ConnectionId.of(HEX.parseHex("0102")))
                .initialMaxPathId(7L)
                .build();
    }

    @Test
    void defaultsMatchRfc9000() {
        TransportParameters d = TransportParameters.defaults();
        assertThat(d.maxUdpPayloadSize()).isEqualTo(65527);
        assertThat(d.ackDelayExponent()).isEqualTo(3);
        assertThat(d.maxAckDelay()).isEqualTo(25);
        assertThat(d.activeConnectionIdLimit()).isEqualTo(2);
        assertThat(d.initialMaxPathId()).isNull();
        assertThat(d.serverPaths()).isFalse();
        assertThat(d.encode()).isEmpty();
    }

    @Test
    void serverParametersRoundTrip() throws QuicException {
        TransportParameters p = serverParams();
        assertThat(TransportParameters.decode(p.encode(), true)).isEqualTo(p);
    }

    @Test
    void clientParametersRoundTripWithServerPaths() throws QuicException {
        TransportParameters p = TransportParameters.defaults().toBuilder()
                .initialSourceConnectionId(ConnectionId.EMPTY).initialMaxData(1000)
                .initialMaxPathId(0L).serverPaths(true).build();
        byte[] wire = p.encode();
        assertThat(HEX.formatHex(wire)).contains("8003e7d100"); // server_paths id, zero length
        TransportParameters back = TransportParameters.decode(wire, false);
        assertThat(back).isEqualTo(p);
        assertThat(back.initialSourceConnectionId()).isEqualTo(ConnectionId.EMPTY);
        assertThat(back.initialMaxPathId()).isZero();
    }

    /** draft-ietf-quic-ack-frequency-14 §3: min_ack_delay 0xff04de1b, microseconds, from either side. */
    @Test
    void minAckDelayRoundTripsAndIsAbsentByDefault() throws QuicException {
        assertThat(TransportParameters.defaults().minAckDelay()).isNull();
        TransportParameters p = TransportParameters.defaults().toBuilder().minAckDelay(1000L).build();
        byte[] wire = p.encode();
        assertThat(HEX.formatHex(wire)).isEqualTo("c0000000ff04de1b" + "02" + "43e8");
        assertThat(TransportParameters.decode(wire, false)).isEqualTo(p);
        assertThat(TransportParameters.decode(wire, true).minAckDelay()).isEqualTo(1000L);
        TransportParameters zero = TransportParameters.defaults().toBuilder().minAckDelay(0L).build();
        assertThat(TransportParameters.decode(zero.encode(), true).minAckDelay()).isZero();
        assertThat(zero).isNotEqualTo(TransportParameters.defaults());
    }

    /** §3: a min_ack_delay (µs) above max_ack_delay (ms) is a TRANSPORT_PARAMETER_ERROR. */
    @Test
    void rejectsMinAckDelayAboveMaxAckDelay() throws QuicException {
        String minAckDelay25001 = "c0000000ff04de1b" + "04" + "800061a9";
        assertInvalid(minAckDelay25001, true); // default max_ack_delay 25 ms = 25000 µs
        assertInvalid("0b" + "01" + "02" + "c0000000ff04de1b" + "04" + "800007d1", false); // 2001 > 2 ms
        assertThat(TransportParameters.decode(HEX.parseHex("c0000000ff04de1b" + "04" + "800061a8"), true)
                .minAckDelay()).isEqualTo(25_000L); // equal is fine
        assertThat(TransportParameters.decode(HEX.parseHex("0b" + "01" + "1a" + minAckDelay25001), true)
                .minAckDelay()).isEqualTo(25_001L); // max_ack_delay 26 ms
        assertInvalid("c0000000ff04de1b" + "02" + "00", true); // truncated value
    }

    @Test
    void decodesHandWrittenEncoding() throws QuicException {
        // initial_max_data = 0x4000 (2-byte varint), reserved 27 with junk, max_idle_timeout 30000
        byte[] wire = HEX.parseHex("04" + "04" + "80004000" + "1b" + "03" + "abcdef" + "01" + "04" + "80007530");
        TransportParameters p = TransportParameters.decode(wire, false);
        assertThat(p.initialMaxData()).isEqualTo(0x4000);
        assertThat(p.maxIdleTimeout()).isEqualTo(30000);
    }

    @Test
    void ignoresUnknownAndReservedParameters() throws QuicException {
        // 31 * 5 + 27 = 182 = 0x40b6; and an unknown 0x1234
        byte[] wire = HEX.parseHex("40b6" + "02" + "0000" + "5234" + "00" + "0e" + "01" + "05");
        assertThat(TransportParameters.decode(wire, false).activeConnectionIdLimit()).isEqualTo(5);
    }

    @Test
    void rejectsDuplicates() {
        assertInvalid("04" + "01" + "05" + "04" + "01" + "06", true);
        assertInvalid("1b" + "00" + "1b" + "00", true);
    }

    @Test
    void rejectsServerOnlyParametersFromClient() throws QuicException {
        assertInvalid("00" + "08" + "8394c8f03e515708", false);
        assertInvalid("02" + "10" + "00".repeat(16), false);
        assertInvalid("10" + "01" + "aa", false);
        byte[] pa = new byte[serverParams().preferredAddress().encodedLength()];
        serverParams().preferredAddress().write(new ByteWriter(pa));
        String paParam = "0d" + String.format("%02x", pa.length) + HEX.formatHex(pa);
        assertInvalid(paParam, false);
        assertThat(TransportParameters.decode(HEX.parseHex(paParam), true)
                .preferredAddress()).isEqualTo(serverParams().preferredAddress());
    }

    @Test
    void rejectsOutOfRangeValues() {
        assertInvalid("0a" + "01" + "15", true); // ack_delay_exponent 21
        assertInvalid("0b" + "04" + "80004000", true); // max_ack_delay 2^14
        assertInvalid("03" + "02" + "44af", true); // max_udp_payload_size 1199
        assertInvalid("0e" + "01" + "01", true); // active_connection_id_limit 1
        assertInvalid("08" + "08" + "d000000000000001", true); // streams > 2^60
        assertInvalid("09" + "08" + "d000000000000001", true);
        assertInvalid("3e" + "08" + "c000000100000000", true); // initial_max_path_id > 2^32-1
    }

    @Test
    void rejectsMalformedValues() {
        assertInvalid("04" + "02" + "05", true); // truncated value
        assertInvalid("04" + "02" + "0500", true); // trailing byte after varint
        assertInvalid("02" + "0f" + "00".repeat(15), true); // short reset token
        assertInvalid("0c" + "01" + "00", true); // disable_active_migration with a value
        assertInvalid("0f" + "15" + "00".repeat(21), true); // CID too long
        assertInvalid("04", true);
    }

    @Test
    void everyTruncationIsATransportParameterErrorOrValid() {
        byte[] wire = serverParams().encode();
        for (int k = 0; k < wire.length; k++) {
            byte[] prefix = java.util.Arrays.copyOf(wire, k);
            try {
                TransportParameters.decode(prefix, true);
            } catch (QuicException e) {
                assertThat(e.errorCode()).isEqualTo(TransportError.TRANSPORT_PARAMETER_ERROR.code());
            }
        }
    }

    private static void assertInvalid(String hex, boolean fromServer) {
        assertThatThrownBy(() -> TransportParameters.decode(HEX.parseHex(hex), fromServer))
                .as(hex).isInstanceOfSatisfying(QuicException.class, e -> assertThat(e.errorCode())
                        .isEqualTo(TransportError.TRANSPORT_PARAMETER_ERROR.code()));
    }
}
