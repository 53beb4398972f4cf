package org.qdsr.quic.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.qdsr.quic.QuicException;
import org.qdsr.quic.TransportError;

class ReceiveStreamTest {
    private static final byte[] PAYLOAD = new byte[30];

    static {
        for (int i = 0; i < PAYLOAD.length; i++) {
            PAYLOAD[i] = (byte) (i * 7 + 1);
        }
    }

    /** Feeds frames written as "start-end" (F suffix = FIN), separated by spaces. */
    private static long feed(ReceiveStream r, String frames) throws QuicException {
        long counted = 0;
        for (String f : frames.trim().split("\\s+")) {
            boolean fin = f.endsWith("F");
            String[] p = (fin ? f.substring(0, f.length() - 1) : f).split("-");
            int s = Integer.parseInt(p[0]);
            int e = Integer.parseInt(p[1]);
            counted += r.onStreamFrame(s, PAYLOAD, s, e - s, fin);
        }
        return counted;
    }

    private static byte[] drain(ReceiveStream r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[7];
        int n;
        while ((n = r.read(buf, 0, buf.length)) > 0) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "in order,            0-10 10-20 20-30F,          30, true",
            "reverse order,       20-30F 10-20 0-10,          30, true",
            "overlapping,         0-12 8-25 5-30F,            30, true",
            "duplicates,          0-10 0-10 10-30F 10-30F,    30, true",
            "gap filled last,     0-5 20-30F 10-15 5-10 15-20, 30, true",
            "gap still open,      0-5 10-30F,                  5, false",
            "contained fragment,  0-30F 3-9,                  30, true",
            "zero-length FIN,     0-30 30-30F,                30, true",
            "FIN first then data, 25-30F 0-25,                30, true",
            "nothing at start,    5-30F,                       0, false",
            "one frame fills two gaps, 3-8 12-18 25-30F 0-30,  30, true",
    })
    void reassembly(String name, String frames, int expectedBytes, boolean finished) throws QuicException {
        ReceiveStream r = new ReceiveStream(0, 1000);
        long counted = feed(r, frames);
        assertThat(counted).isEqualTo(r.highestReceivedOffset());
        byte[] got = drain(r);
        assertThat(got).isEqualTo(Arrays.copyOf(PAYLOAD, expectedBytes));
        assertThat(r.isFinished()).isEqualTo(finished);
        assertThat(r.read(new byte[4], 0, 4)).isEqualTo(finished ? -1 : 0);
    }

    @Test
    void dataAlreadyReadIsIgnoredWhenRetransmitted() throws QuicException {
        ReceiveStream r = new ReceiveStream(0, 1000);
        r.onStreamFrame(0, PAYLOAD, 0, 10, false);
        assertThat(drain(r)).hasSize(10);
        byte[] other = PAYLOAD.clone();
        other[3] = 99; // a bogus retransmission of already-read bytes must not resurface
        assertThat(r.onStreamFrame(0, other, 0, 15, false)).isEqualTo(5);
        assertThat(drain(r)).isEqualTo(Arrays.copyOfRange(PAYLOAD, 10, 15));
    }

    @Test
    void duplicatesDoNotOverwriteBufferedBytes() throws QuicException {
        ReceiveStream r = new ReceiveStream(0, 1000);
        r.onStreamFrame(0, PAYLOAD, 0, 10, false);
        byte[] other = new byte[30];
        r.onStreamFrame(0, other, 0, 20, false);
        assertThat(drain(r)).isEqualTo(concat(Arrays.copyOf(PAYLOAD, 10), new byte[10]));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void flowControlErrorBeyondAdvertisedLimit() throws QuicException {
        ReceiveStream r = new ReceiveStream(0, 20);
        r.onStreamFrame(0, PAYLOAD, 0, 20, false); // exactly at the limit is fine
        assertError(() -> r.onStreamFrame(20, PAYLOAD, 20, 1, false), TransportError.FLOW_CONTROL_ERROR);
        assertError(() -> r.onResetStream(0, 21), TransportError.FLOW_CONTROL_ERROR);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "data beyond final size,       0-10F 10-11",
            "final size changes (larger),  0-10F 0-12F",
            "final size changes (smaller), 0-10F 0-8F",
            "FIN below received data,      0-20 0-10F",
            "zero-length FIN below data,   0-20 5-5F",
    })
    void finalSizeErrors(String name, String frames) {
        ReceiveStream r = new ReceiveStream(0, 1000);
        assertError(() -> feed(r, frames), TransportError.FINAL_SIZE_ERROR);
    }

    @Test
    void resetFinalSizeChecks() throws QuicException {
        ReceiveStream a = new ReceiveStream(0, 1000);
        a.onStreamFrame(0, PAYLOAD, 0, 10, true);
        assertError(() -> a.onResetStream(1, 11), TransportError.FINAL_SIZE_ERROR);
        ReceiveStream b = new ReceiveStream(0, 1000);
        b.onStreamFrame(0, PAYLOAD, 0, 20, false);
        assertError(() -> b.onResetStream(1, 19), TransportError.FINAL_SIZE_ERROR);
        ReceiveStream c = new ReceiveStream(0, 1000);
        c.onResetStream(1, 25);
        assertError(() -> c.onStreamFrame(20, PAYLOAD, 20, 6, false), TransportError.FINAL_SIZE_ERROR);
        assertError(() -> c.onResetStream(1, 26), TransportError.FINAL_SIZE_ERROR);
    }

    @Test
    void resetDiscardsDataAndCountsFinalSize() throws QuicException {
        ReceiveStream r = new ReceiveStream(4, 1000);
        assertThat(r.onStreamFrame(0, PAYLOAD, 0, 10, false)).isEqualTo(10);
        assertThat(r.read(new byte[4], 0, 4)).isEqualTo(4);
        assertThat(r.onResetStream(77, 30)).isEqualTo(20);
        assertThat(r.isReset()).isTrue();
        assertThat(r.resetErrorCode()).isEqualTo(77);
        assertThat(r.read(new byte[4], 0, 4)).isEqualTo(-1);
        assertThat(r.takeConsumedBytes()).isEqualTo(30); // 4 read + 26 released
        // duplicate RESET_STREAM and late data inside the final size count nothing more
        assertThat(r.onResetStream(77, 30)).isZero();
        assertThat(r.onStreamFrame(10, PAYLOAD, 10, 20, true)).isZero();
        assertThat(r.takeConsumedBytes()).isZero();
        assertThat(r.maxStreamDataToAdvertise()).isEqualTo(-1);
    }

    @Test
    void stopSendingDiscardsBufferedAndLaterData() throws QuicException {
        ReceiveStream r = new ReceiveStream(0, 1000);
        r.onStreamFrame(0, PAYLOAD, 0, 10, false);
        r.stopSending(5);
        assertThat(r.isStopSending()).isTrue();
        assertThat(r.readableBytes()).isZero();
        assertThat(r.takeConsumedBytes()).isEqualTo(10);
        assertThat(r.onStreamFrame(10, PAYLOAD, 10, 10, false)).isEqualTo(10);
        assertThat(r.takeConsumedBytes()).isEqualTo(10);
        assertThat(r.onResetStream(5, 25)).isEqualTo(5);
        assertThat(r.takeConsumedBytes()).isEqualTo(5);
    }

    @Test
    void maxStreamDataAfterHalfTheWindowIsRead() throws QuicException {
        ReceiveStream r = new ReceiveStream(0, 20);
        assertThat(r.maxStreamDataToAdvertise()).isEqualTo(-1);
        r.onStreamFrame(0, PAYLOAD, 0, 20, false);
        byte[] buf = new byte[30];
        r.read(buf, 0, 10);
        assertThat(r.maxStreamDataToAdvertise()).isEqualTo(-1); // exactly half: not more than half
        r.read(buf, 0, 1);
        assertThat(r.maxStreamDataToAdvertise()).isEqualTo(31);
        r.onMaxStreamDataSent(31);
        assertThat(r.maxStreamData()).isEqualTo(31);
        assertThat(r.maxStreamDataToAdvertise()).isEqualTo(-1);
        r.onStreamFrame(20, PAYLOAD, 20, 10, false); // now allowed
        assertThat(r.readableBytes()).isEqualTo(19);
    }

    @Test
    void exportImportRoundTripKeepsOutOfOrderData() throws QuicException {
        ReceiveStream r = new ReceiveStream(8, 100);
        feed(r, "0-6 12-18 22-30F");
        r.read(new byte[4], 0, 4);
        ReceiveStream.State s = r.exportState();
        assertThat(s.readOffset()).isEqualTo(4);
        assertThat(s.highestReceived()).isEqualTo(30);
        assertThat(s.finalSize()).isEqualTo(30);
        ReceiveStream copy = ReceiveStream.importState(s);
        assertThat(copy.streamId()).isEqualTo(8);
        feed(copy, "6-12 18-22");
        assertThat(drain(copy)).isEqualTo(Arrays.copyOfRange(PAYLOAD, 4, 30));
        assertThat(copy.isFinished()).isTrue();
        assertThat(copy.maxStreamData()).isEqualTo(100);
    }

    interface Call {
        void run() throws QuicException;
    }

    static void assertError(Call call, TransportError error) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(QuicException.class,
                e -> assertThat(e.errorCode()).isEqualTo(error.code()));
    }
}
