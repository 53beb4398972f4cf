package org.qdsr.control.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SendAddress (0x42): layout, round trip, malformed input dropped, skipped by an older peer. */
class SendAddressTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void layoutIsFamilyAddressPort() throws Exception {
        var m = new SendAddress(new InetSocketAddress("198.18.0.100", 4433));
        // type 0x42 (2-byte varint 4042), length 7: family 04, c6120064, port 4433 (2-byte varint 5151)
        assertThat(HEX.formatHex(ControlCodec.encode(m))).isEqualTo("4042" + "07" + "04" + "c6120064" + "5151");
        var v6 = new SendAddress(new InetSocketAddress("2001:db8::64", 443));
        assertThat(new ControlDecoder().feed(ControlCodec.encode(v6))).containsExactly(v6);
    }

    @Test
    void malformedIsDroppedAndTheChannelGoesOn() throws Exception {
        byte[] next = ControlCodec.encode(new Heartbeat(1, 2));
        for (String bad : List.of("404206" + "07" + "c6120064" + "01", "404203" + "04" + "c612")) {
            byte[] frame = HEX.parseHex(bad);
            byte[] both = java.util.Arrays.copyOf(frame, frame.length + next.length);
            System.arraycopy(next, 0, both, frame.length, next.length);
            assertThat(new ControlDecoder().feed(both)).as(bad).containsExactly(new Heartbeat(1, 2));
        }
        assertThat(MessageType.skippableIfUnknown(MessageType.SEND_ADDRESS)).isTrue();
    }
}
