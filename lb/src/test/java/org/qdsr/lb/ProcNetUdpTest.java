package org.qdsr.lb;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Parsing the kernel's UDP socket tables, and spotting a second socket on the exact VIP:port. */
class ProcNetUdpTest {
    private static final String UDP = String.join("\n",
            "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops",
            "  101: 640012C6:1151 00000000:0000 07 00000000:00000000 00:00000000 00000000  1000        0 41001 2 0000000000000000 0",
            "  101: 00000000:1151 00000000:0000 07 00000000:00000000 00:00000000 00000000  1000        0 41002 2 0000000000000000 0",
            "  102: 0100007F:1F90 0100007F:D431 01 00000000:00000000 00:00000000 00000000  1000        0 41003 2 0000000000000000 0",
            "  103: garbage",
            "");
    private static final String UDP6 = String.join("\n",
            "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops",
            "   10: 00000000000000000000000000000000:1151 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000  1000        0 42001 2 0000000000000000 0",
            "   11: B80D0120000000000000000001000000:1151 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000  1000        0 42002 2 0000000000000000 0",
            "   12: 0000000000000000FFFF0000640012C6:1151 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000  1000        0 42003 2 0000000000000000 0");

    @ParameterizedTest(name = "{0} ({1}) -> {2}")
    @CsvSource({
            "640012C6:1151, LITTLE_ENDIAN, 198.18.0.100:4433",
            "C6120064:1151, BIG_ENDIAN, 198.18.0.100:4433",
            "00000000:1151, LITTLE_ENDIAN, 0.0.0.0:4433",
            "0100007F:0035, LITTLE_ENDIAN, 127.0.0.1:53",
            "00000000000000000000000001000000:01BB, LITTLE_ENDIAN, [0:0:0:0:0:0:0:1]:443",
            "B80D0120000000000000000001000000:1151, LITTLE_ENDIAN, [2001:db8:0:0:0:0:0:1]:4433",
            "20010DB8000000000000000000000001:1151, BIG_ENDIAN, [2001:db8:0:0:0:0:0:1]:4433",
            "00000000000000000000000000000000:1151, LITTLE_ENDIAN, [0:0:0:0:0:0:0:0]:4433",
            "0000000000000000FFFF0000640012C6:1151, LITTLE_ENDIAN, 198.18.0.100:4433",
            "640012C6, LITTLE_ENDIAN, ",
            "640012:1151, LITTLE_ENDIAN, ",
            "640012C6:11511, LITTLE_ENDIAN, ",
            "64G012C6:1151, LITTLE_ENDIAN, ",
    })
    void parsesLocalAddresses(String field, String order, String expected) {
        ByteOrder o = order.equals("BIG_ENDIAN") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        InetSocketAddress a = ProcNetUdp.parseAddress(field, o);
        if (expected == null) {
            assertThat(a).isNull();
        } else {
            assertThat(ProcNetUdp.format(a)).isEqualTo(expected);
        }
    }

    @Test
    void skipsTheHeaderAndLinesThatDoNotParse() {
        assertThat(ProcNetUdp.localAddresses(UDP, ByteOrder.LITTLE_ENDIAN)).extracting(ProcNetUdp::format)
                .containsExactly("198.18.0.100:4433", "0.0.0.0:4433", "127.0.0.1:8080");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
            // the LB on the VIP, a real server on the wildcard, and (udp6) a v4-mapped second LB
            "198.18.0.100, 4433, 2",
            "0.0.0.0, 4433, 1",
            "198.18.0.100, 4434, 0",
            "198.18.0.101, 4433, 0",
            "2001:db8::1, 4433, 1",
            "::, 4433, 1",
    })
    void countsSocketsOnExactlyTheAddress(String host, int port, int expected) {
        List<InetSocketAddress> all = new java.util.ArrayList<>(ProcNetUdp.localAddresses(UDP, ByteOrder.LITTLE_ENDIAN));
        all.addAll(ProcNetUdp.localAddresses(UDP6, ByteOrder.LITTLE_ENDIAN));
        assertThat(ProcNetUdp.countBoundTo(new InetSocketAddress(host, port), all)).isEqualTo(expected);
    }
}
