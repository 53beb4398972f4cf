package org.qdsr.quic.stream;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StreamIdTest {
    @Test
    void typeBitsPerRfc9000Section2_1() {
        // 0x00 client bidi, 0x01 server bidi, 0x02 client uni, 0x03 server uni
        assertThat(StreamId.isClientInitiated(0)).isTrue();
        assertThat(StreamId.isBidirectional(0)).isTrue();
        assertThat(StreamId.isClientInitiated(1)).isFalse();
        assertThat(StreamId.isBidirectional(1)).isTrue();
        assertThat(StreamId.isClientInitiated(2)).isTrue();
        assertThat(StreamId.isUnidirectional(2)).isTrue();
        assertThat(StreamId.isServerInitiated(3)).isTrue();
        assertThat(StreamId.isUnidirectional(3)).isTrue();
    }

    @Test
    void indexAndOf() {
        assertThat(StreamId.index(0)).isZero();
        assertThat(StreamId.index(7)).isEqualTo(1);
        assertThat(StreamId.of(2, true, true)).isEqualTo(8);
        assertThat(StreamId.of(2, false, true)).isEqualTo(9);
        assertThat(StreamId.of(2, true, false)).isEqualTo(10);
        assertThat(StreamId.of(2, false, false)).isEqualTo(11);
        for (long id = 0; id < 64; id++) {
            assertThat(StreamId.of(StreamId.index(id), StreamId.isClientInitiated(id), StreamId.isBidirectional(id)))
                    .isEqualTo(id);
        }
    }

    @Test
    void directionRules() {
        assertThat(StreamId.isLocal(0, true)).isTrue();
        assertThat(StreamId.isLocal(0, false)).isFalse();
        // client uni (2): client sends, server receives
        assertThat(StreamId.canSend(2, true)).isTrue();
        assertThat(StreamId.canReceive(2, true)).isFalse();
        assertThat(StreamId.canSend(2, false)).isFalse();
        assertThat(StreamId.canReceive(2, false)).isTrue();
        // server uni (3)
        assertThat(StreamId.canSend(3, false)).isTrue();
        assertThat(StreamId.canReceive(3, true)).isTrue();
        assertThat(StreamId.canSend(3, true)).isFalse();
        // bidi both ways
        assertThat(StreamId.canSend(1, true)).isTrue();
        assertThat(StreamId.canReceive(1, true)).isTrue();
    }
}
