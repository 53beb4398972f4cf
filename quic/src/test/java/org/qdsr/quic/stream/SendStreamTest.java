package org.qdsr.quic.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SendStreamTest {
    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + 3);
        }
        return b;
    }

    private static byte[] copy(SendStream s, StreamChunk c) {
        byte[] out = new byte[c.length()];
        s.copyData(c.offset(), c.length(), out, 0);
        return out;
    }

    @Test
    void writeRespectsBufferLimit() {
        SendStream s = new SendStream(0, 1000, 100);
        assertThat(s.write(bytes(60), 0, 60)).isEqualTo(60);
        assertThat(s.write(bytes(60), 0, 60)).isEqualTo(40);
        assertThat(s.write(bytes(60), 0, 60)).isZero();
        assertThat(s.bufferedBytes()).isEqualTo(100);
        assertThat(s.writtenOffset()).isEqualTo(100);
        // acknowledging the prefix frees room
        StreamChunk c = s.nextChunk(50, 1000);
        s.onAcked(c.offset(), c.length(), c.fin());
        assertThat(s.bufferedBytes()).isEqualTo(50);
        assertThat(s.write(bytes(60), 0, 60)).isEqualTo(50);
    }

    @Test
    void chunksRespectMaxStreamDataConnectionCreditAndMaxBytes() {
        byte[] data = bytes(100);
        SendStream s = new SendStream(4, 30, 1000);
        s.write(data, 0, 100);
        assertThat(s.nextChunk(10, 1000)).isEqualTo(new StreamChunk(0, 10, false, true));
        assertThat(s.nextChunk(100, 5)).isEqualTo(new StreamChunk(10, 5, false, true));
        assertThat(s.hasSendable(0)).isFalse();
        assertThat(s.nextChunk(100, 0)).isNull();
        assertThat(s.nextChunk(100, 1000)).isEqualTo(new StreamChunk(15, 15, false, true));
        assertThat(s.isBlocked()).isTrue();
        assertThat(s.blockedAt()).isEqualTo(30);
        assertThat(s.streamDataBlockedToSend()).isEqualTo(30);
        s.onStreamDataBlockedSent(30);
        assertThat(s.streamDataBlockedToSend()).isEqualTo(-1);
        assertThat(s.hasSendable(1000)).isFalse();
        s.setMaxStreamData(20); // never decreases
        assertThat(s.maxStreamData()).isEqualTo(30);
        s.setMaxStreamData(200);
        assertThat(s.isBlocked()).isFalse();
        s.finish();
        StreamChunk last = s.nextChunk(1000, 1000);
        assertThat(last).isEqualTo(new StreamChunk(30, 70, true, true));
        assertThat(copy(s, last)).isEqualTo(Arrays.copyOfRange(data, 30, 100));
        assertThat(s.nextChunk(1000, 1000)).isNull();
        assertThat(s.finalSize()).isEqualTo(100);
    }

    @Test
    void zeroLengthFinNeedsNoCredit() {
        SendStream s = new SendStream(0, 0, 100);
        s.finish();
        assertThat(s.hasSendable(0)).isTrue();
        assertThat(s.nextChunk(0, 0)).isEqualTo(new StreamChunk(0, 0, true, true));
        assertThat(s.hasSendable(0)).isFalse();
        s.onLost(0, 0, true);
        assertThat(s.hasSendable(0)).isTrue();
        assertThat(s.nextChunk(0, 0)).isEqualTo(new StreamChunk(0, 0, true, false));
        s.onAcked(0, 0, true);
        assertThat(s.isFullyAcknowledged()).isTrue();
    }

    @Test
    void finAfterAllDataSentGoesAlone() {
        SendStream s = new SendStream(0, 100, 100);
        s.write(bytes(10), 0, 10);
        assertThat(s.nextChunk(100, 100).fin()).isFalse();
        s.finish();
        assertThat(s.hasSendable(0)).isTrue();
        assertThat(s.nextChunk(100, 0)).isEqualTo(new StreamChunk(10, 0, true, true));
    }

    @Test
    void lossRetransmitsOnlyUnackedPartsWithoutCredit() {
        byte[] data = bytes(100);
        SendStream s = new SendStream(0, 1000, 1000);
        s.write(data, 0, 100);
        s.finish();
        StreamChunk a = s.nextChunk(40, 1000);
        StreamChunk b = s.nextChunk(100, 1000);
        assertThat(b).isEqualTo(new StreamChunk(40, 60, true, true));
        // a retransmission of [20, 70) got through and was acked; the originals were lost
        s.onAcked(20, 50, false);
        s.onLost(a.offset(), a.length(), a.fin());
        s.onLost(b.offset(), b.length(), b.fin());
        assertThat(s.hasSendable(0)).isTrue();
        StreamChunk r1 = s.nextChunk(1000, 0);
        assertThat(r1).isEqualTo(new StreamChunk(0, 20, false, false));
        assertThat(copy(s, r1)).isEqualTo(Arrays.copyOfRange(data, 0, 20));
        StreamChunk r2 = s.nextChunk(10, 0);
        assertThat(r2).isEqualTo(new StreamChunk(70, 10, false, false));
        StreamChunk r3 = s.nextChunk(1000, 0);
        assertThat(r3).isEqualTo(new StreamChunk(80, 20, true, false));
        assertThat(copy(s, r3)).isEqualTo(Arrays.copyOfRange(data, 80, 100));
        assertThat(s.nextChunk(1000, 1000)).isNull();
    }

    @Test
    void ackAfterLossCancelsRetransmission() {
        SendStream s = new SendStream(0, 1000, 1000);
        s.write(bytes(50), 0, 50);
        StreamChunk c = s.nextChunk(50, 1000);
        s.onLost(c.offset(), c.length(), false);
        s.onAcked(10, 30, false); // late ack of a spuriously lost packet
        assertThat(s.nextChunk(100, 0)).isEqualTo(new StreamChunk(0, 10, false, false));
        assertThat(s.nextChunk(100, 0)).isEqualTo(new StreamChunk(40, 10, false, false));
        assertThat(s.nextChunk(100, 0)).isNull();
    }

    @Test
    void acksFreeThePrefixAndCompleteTheStream() {
        SendStream s = new SendStream(0, 1000, 1000);
        s.write(bytes(90), 0, 90);
        s.finish();
        StreamChunk a = s.nextChunk(30, 1000);
        StreamChunk b = s.nextChunk(30, 1000);
        StreamChunk c = s.nextChunk(30, 1000);
        assertThat(c.fin()).isTrue();
        s.onAcked(b.offset(), b.length(), b.fin());
        assertThat(s.bufferedBytes()).isEqualTo(90); // hole at the front keeps everything
        s.onAcked(a.offset(), a.length(), a.fin());
        assertThat(s.bufferedBytes()).isEqualTo(30);
        assertThatThrownBy(() -> s.copyData(0, 10, new byte[10], 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(s.isFullyAcknowledged()).isFalse();
        s.onAcked(c.offset(), c.length(), c.fin());
        assertThat(s.bufferedBytes()).isZero();
        assertThat(s.isFullyAcknowledged()).isTrue();
        s.onLost(c.offset(), c.length(), c.fin()); // lost after ack: nothing to resend
        assertThat(s.hasSendable(1000)).isFalse();
    }

    @Test
    void ringWrapsAroundCorrectly() {
        SendStream s = new SendStream(0, Long.MAX_VALUE, 300);
        byte[] all = bytes(5000);
        int written = 0;
        int verified = 0;
        while (verified < all.length) {
            written += s.write(all, written, Math.min(170, all.length - written));
            StreamChunk c;
            while ((c = s.nextChunk(97, Long.MAX_VALUE)) != null) {
                assertThat(copy(s, c)).isEqualTo(Arrays.copyOfRange(all, (int) c.offset(), (int) c.end()));
                s.onAcked(c.offset(), c.length(), c.fin());
                verified += c.length();
            }
        }
        assertThat(s.bufferedBytes()).isZero();
    }

    @Test
    void resetStopsDataAndReportsHighestSentOffset() {
        SendStream s = new SendStream(0, 1000, 1000);
        s.write(bytes(100), 0, 100);
        StreamChunk c = s.nextChunk(60, 1000);
        s.onLost(c.offset(), c.length(), false);
        s.reset(42);
        assertThat(s.isReset()).isTrue();
        assertThat(s.resetErrorCode()).isEqualTo(42);
        assertThat(s.finalSize()).isEqualTo(60);
        assertThat(s.hasSendable(1000)).isFalse();
        assertThat(s.nextChunk(1000, 1000)).isNull();
        assertThat(s.bufferedBytes()).isZero(); // storage released
        assertThatThrownBy(() -> s.write(bytes(1), 0, 1)).isInstanceOf(IllegalStateException.class);
        s.reset(43); // idempotent
        assertThat(s.resetErrorCode()).isEqualTo(42);
        s.onResetAcked();
        assertThat(s.isResetAcknowledged()).isTrue();
    }

    @Test
    void exportImportRoundTripMidTransfer() {
        byte[] data = bytes(100);
        SendStream s = new SendStream(8, 80, 1000);
        s.write(data, 0, 100);
        StreamChunk a = s.nextChunk(30, 1000);
        StreamChunk b = s.nextChunk(30, 1000);
        s.onAcked(a.offset(), a.length(), false);
        s.onLost(b.offset(), b.length(), false);
        StreamChunk c = s.nextChunk(100, 1000); // the retransmission, then [60, 80)
        assertThat(c.isNew()).isFalse();
        s.onLost(c.offset(), c.length(), false);
        SendStream.State st = s.exportState();
        assertThat(st.ackedOffset()).isEqualTo(30);
        assertThat(st.sentOffset()).isEqualTo(60);
        SendStream t = SendStream.importState(st, 1000);
        assertThat(t.streamId()).isEqualTo(8);
        StreamChunk r = t.nextChunk(100, 0);
        assertThat(r).isEqualTo(new StreamChunk(30, 30, false, false));
        assertThat(copy(t, r)).isEqualTo(Arrays.copyOfRange(data, 30, 60));
        t.finish();
        StreamChunk n = t.nextChunk(100, 1000);
        assertThat(n).isEqualTo(new StreamChunk(60, 20, false, true)); // MAX_STREAM_DATA 80 carried over
        assertThat(t.isBlocked()).isTrue();
    }

    @Test
    void handoffStartsAFreshSenderAtAnOffset() {
        SendStream t = SendStream.importState(SendStream.State.handoff(4, 1000, 1500, false), 4096);
        assertThat(t.writtenOffset()).isEqualTo(1000);
        assertThat(t.write(bytes(700), 0, 700)).isEqualTo(700);
        t.finish();
        assertThat(t.nextChunk(1200, 10_000)).isEqualTo(new StreamChunk(1000, 500, false, true));
        t.setMaxStreamData(2000);
        StreamChunk last = t.nextChunk(1200, 10_000);
        assertThat(last).isEqualTo(new StreamChunk(1500, 200, true, true));
        assertThat(copy(t, last)).isEqualTo(Arrays.copyOfRange(bytes(700), 500, 700));
        t.onAcked(1000, 500, false);
        t.onAcked(1500, 200, true);
        assertThat(t.isFullyAcknowledged()).isTrue();
    }
}
