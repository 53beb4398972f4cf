package org.qdsr.control.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PeerAddressUpdate (0x41): layout, round trip, malformed input, skipped by an older peer. */
class PeerAddressUpdateTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void ipv4LayoutIsKeyFamilyAddressPort() throws Exception {
        var m = new PeerAddressUpdate(9, new InetSocketAddress("192.0.2.7", 443));
        // type 0x41 (2-byte varint 4041), length 8: key 09, family 04, c0000207, port 443 (2-byte varint 41bb)
        assertThat(HEX.formatHex(ControlCodec.encode(m))).isEqualTo("4041" + "08" + "09" + "04" + "c0000207" + "41bb");
    }

    @Test
    void aFreshPathConnectionIdFollowsThePortAndAnOlderFormHasNone() throws Exception {
        var id = org.qdsr.quic.wire.ConnectionId.of(HEX.parseHex("0102030405060708"));
        var m = new PeerAddressUpdate(9, new InetSocketAddress("192.0.2.7", 443), id);
        byte[] wire = ControlCodec.encode(m);
        // length 0x11: as before, then the ID with its varint length (08)
        assertThat(HEX.formatHex(wire)).isEqualTo("4041" + "11" + "09" + "04" + "c0000207" + "41bb"
                + "08" + "0102030405060708");
        assertThat(new ControlDecoder().feed(wire)).containsExactly(m);
        var older = new ControlDecoder().feed(HEX.parseHex("4041" + "08" + "09" + "04" + "c0000207" + "41bb"));
        assertThat(((PeerAddressUpdate) older.get(0)).pathConnectionId()).isNull();
        assertThatThrownBy(() -> new PeerAddressUpdate(9, new InetSocketAddress("192.0.2.7", 443),
                org.qdsr.quic.wire.ConnectionId.of(new byte[0]))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void roundTripsBothFamilies() throws Exception {
        for (String host : List.of("127.0.0.1", "203.0.113.200", "::1", "2001:db8::42")) {
            var m = new PeerAddressUpdate(77, new InetSocketAddress(host, 61000));
            List<ControlMessage> out = new ControlDecoder().feed(ControlCodec.encode(m));
            assertThat(out).containsExactly(m);
            assertThat(((PeerAddressUpdate) out.get(0)).addressFamily()).isEqualTo(host.contains(":") ? 6 : 4);
        }
    }

    @Test
    void malformedUpdatesAreDroppedAndTheChannelGoesOn() throws Exception {
        byte[] next = ControlCodec.encode(new Heartbeat(1, 2));
        for (String bad : List.of("404107" + "09" + "05" + "c0000207" + "01", // family 5
                "404104" + "09" + "04" + "c000", // address cut short
                "40410a" + "09" + "04" + "c0000207" + "80010000", // port 65536
                "40410a" + "09" + "04" + "c0000207" + "41bb" + "0801", // connection ID cut short
                "404109" + "09" + "04" + "c0000207" + "41bb" + "00", // empty connection ID
                "40410a" + "09" + "04" + "c0000207" + "41bb" + "15aa")) { // 21-byte connection ID
            byte[] frame = HEX.parseHex(bad);
            byte[] both = java.util.Arrays.copyOf(frame, frame.length + next.length);
            System.arraycopy(next, 0, both, frame.length, next.length);
            assertThat(new ControlDecoder().feed(both)).as(bad).containsExactly(new Heartbeat(1, 2));
        }
        assertThatThrownBy(() -> new PeerAddressUpdate(1, InetSocketAddress.createUnresolved("example.com", 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anOlderPeerSkipsIt() throws Exception {
        // a receiver without the type gets the generic optional-extension treatment: 0x41 is in the skippable range
        assertThat(MessageType.skippableIfUnknown(MessageType.PEER_ADDRESS_UPDATE)).isTrue();
    }

    @Test
    void hostNamesAreNotKept() {
        var m = new PeerAddressUpdate(1, new InetSocketAddress("localhost", 4433));
        assertThat(m.peerAddress().getHostString()).doesNotContain("localhost");
    }

}
