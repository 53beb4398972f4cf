package org.qdsr.quic.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A send stream whose bytes another machine holds (QDSR instructed mode): offsets only. */
class RemoteSendStreamTest {
    @Test
    void schedulesAnnouncedBytesAndRetransmitsLostRangesWithoutHoldingData() {
        SendStream s = new SendStream(0, 10_000, 1 << 20);
        s.markRemote();
        assertThat(s.hasSendable(1 << 20)).isFalse();
        s.announceRemote(3000, false);
        StreamChunk a = s.nextChunk(1200, 1 << 20);
        StreamChunk b = s.nextChunk(1200, 1 << 20);
        assertThat(a.offset()).isZero();
        assertThat(b.offset()).isEqualTo(1200);
        s.onLost(0, 1200, false);
        s.onAcked(1200, 1200, false);
        assertThat(s.ackedOffset()).isZero();
        StreamChunk again = s.nextChunk(1200, 1 << 20);
        assertThat(again.offset()).isZero();
        assertThat(again.isNew()).isFalse();
        s.onAcked(0, 1200, false);
        assertThat(s.ackedOffset()).isEqualTo(2400);
        s.announceRemote(3500, true);
        StreamChunk last = s.nextChunk(2000, 1 << 20);
        assertThat(last.offset()).isEqualTo(2400);
        assertThat(last.length()).isEqualTo(1100);
        assertThat(last.fin()).isTrue();
        s.onAcked(2400, 1100, true);
        assertThat(s.isFullyAcknowledged()).isTrue();
        assertThat(s.finalSize()).isEqualTo(3500);
    }

    @Test
    void refusesLocalDataAndBackwardOffsets() {
        SendStream s = new SendStream(4, 10_000, 1 << 20);
        s.markRemote();
        assertThatThrownBy(() -> s.write(new byte[1], 0, 1)).isInstanceOf(IllegalStateException.class);
        s.announceRemote(100, false);
        assertThatThrownBy(() -> s.announceRemote(50, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.copyData(0, 10, new byte[10], 0)).isInstanceOf(IllegalStateException.class);
        s.announceRemote(200, true);
        assertThatThrownBy(() -> s.announceRemote(300, true)).isInstanceOf(IllegalArgumentException.class);

        SendStream written = new SendStream(8, 10_000, 1 << 20);
        written.write(new byte[5], 0, 5);
        assertThatThrownBy(written::markRemote).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aResetRemoteStreamStopsScheduling() {
        SendStream s = new SendStream(0, 10_000, 1 << 20);
        s.markRemote();
        s.announceRemote(5000, false);
        s.nextChunk(1200, 1 << 20);
        s.reset(0x10c);
        assertThat(s.finalSize()).isEqualTo(1200);
        assertThat(s.hasSendable(1 << 20)).isFalse();
        s.announceRemote(6000, false); // late announcements are ignored
        assertThat(s.nextChunk(1200, 1 << 20)).isNull();
    }
}
