package org.qdsr.quic.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.qdsr.quic.crypto.Rfc9001Vectors.hex;

import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.qdsr.quic.wire.ConnectionId;

class StatelessResetTokensTest {
    private static final byte[] KEY = hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

    @Test
    void tokenIsTruncatedHmacOfTheConnectionId() throws Exception {
        ConnectionId cid = ConnectionId.of(hex("8394c8f03e515708"));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
        byte[] expected = Arrays.copyOf(mac.doFinal(cid.toBytes()), 16);

        StatelessResetTokens tokens = new StatelessResetTokens(KEY);
        assertThat(tokens.tokenFor(cid)).isEqualTo(expected);
        assertThat(new StatelessResetTokens(KEY.clone()).tokenFor(cid)).isEqualTo(expected);
        assertThat(tokens.tokenFor(ConnectionId.of(hex("8394c8f03e515709")))).isNotEqualTo(expected);
        assertThatThrownBy(() -> new StatelessResetTokens(new byte[16])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void matchesComparesTheTokenAtAnOffset() {
        byte[] token = new StatelessResetTokens(KEY).tokenFor(ConnectionId.of(new byte[] {1, 2, 3, 4}));
        byte[] datagram = new byte[40];
        System.arraycopy(token, 0, datagram, 24, 16);
        assertThat(StatelessResetTokens.matches(datagram, 24, token)).isTrue();
        assertThat(StatelessResetTokens.matches(datagram, 23, token)).isFalse();
        assertThat(StatelessResetTokens.matches(datagram, 25, token)).isFalse();
        assertThat(StatelessResetTokens.matches(datagram, -1, token)).isFalse();
        datagram[39] ^= 1;
        assertThat(StatelessResetTokens.matches(datagram, 24, token)).isFalse();
        assertThat(StatelessResetTokens.matches(datagram, 24, new byte[15])).isFalse();
    }
}
