package org.qdsr.quic.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.qdsr.quic.QuicException;

/**
 * Moves 1 MB from a SendStream to a ReceiveStream over a seeded network that loses, duplicates,
 * delays and reorders frames and acknowledgements, with stream and connection flow control.
 */
class StreamTransferRandomizedTest {
    private record Packet(StreamChunk chunk, byte[] data) {
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42})
    void bytesOutEqualBytesIn(long seed) throws QuicException {
        Random rnd = new Random(seed);
        byte[] input = new byte[1 << 20];
        rnd.nextBytes(input);

        SendStream sender = new SendStream(0, 64 * 1024, 100 * 1024);
        ConnectionFlowControl senderConn = new ConnectionFlowControl(96 * 1024, 0);
        ReceiveStream receiver = new ReceiveStream(0, 64 * 1024);
        ConnectionFlowControl receiverConn = new ConnectionFlowControl(0, 96 * 1024);
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        List<Packet> delayed = new ArrayList<>();
        int written = 0;
        int rounds = 0;
        byte[] readBuf = new byte[20_000];

        while (!(receiver.isFinished() && sender.isFullyAcknowledged())) {
            assertThat(++rounds).as("no progress").isLessThan(20_000);
            if (!sender.isFinished()) {
                written += sender.write(input, written, input.length - written);
                if (written == input.length) {
                    sender.finish();
                }
            }
            List<Packet> network = new ArrayList<>(delayed);
            delayed.clear();
            for (int i = 0; i < 20 && sender.hasSendable(senderConn.sendCredit()); i++) {
                StreamChunk c = sender.nextChunk(1 + rnd.nextInt(1500), senderConn.sendCredit());
                if (c.isNew()) {
                    senderConn.onNewDataSent(c.length());
                }
                byte[] data = new byte[c.length()];
                sender.copyData(c.offset(), c.length(), data, 0);
                network.add(new Packet(c, data));
            }
            Collections.shuffle(network, rnd);
            for (Packet p : network) {
                deliver(p, rnd, sender, receiver, receiverConn, delayed);
            }
            int n = receiver.read(readBuf, 0, rnd.nextInt(readBuf.length));
            if (n > 0) {
                output.write(readBuf, 0, n);
            }
            receiverConn.onDataConsumed(receiver.takeConsumedBytes());
            long msd = receiver.maxStreamDataToAdvertise();
            if (msd >= 0) {
                receiver.onMaxStreamDataSent(msd);
                sender.setMaxStreamData(msd);
            }
            long md = receiverConn.maxDataToAdvertise();
            if (md >= 0) {
                receiverConn.onMaxDataSent(md);
                senderConn.onMaxData(md);
            }
        }
        assertThat(output.toByteArray()).isEqualTo(input);
        assertThat(receiver.read(readBuf, 0, 1)).isEqualTo(-1);
        assertThat(sender.bufferedBytes()).isZero();
        assertThat(receiverConn.dataReceived()).isEqualTo(input.length);
        assertThat(senderConn.dataSent()).isEqualTo(input.length);
    }

    private static void deliver(Packet p, Random rnd, SendStream sender, ReceiveStream receiver,
                                ConnectionFlowControl receiverConn, List<Packet> delayed) throws QuicException {
        StreamChunk c = p.chunk();
        int fate = rnd.nextInt(100);
        if (fate < 10) {
            sender.onLost(c.offset(), c.length(), c.fin());
            return;
        }
        if (fate < 15) {
            delayed.add(p); // arrives in a later round
            return;
        }
        int copies = fate < 20 ? 2 : 1;
        for (int i = 0; i < copies; i++) {
            receiverConn.onDataReceived(receiver.onStreamFrame(c.offset(), p.data(), 0, c.length(), c.fin()));
        }
        if (rnd.nextInt(100) < 85) {
            sender.onAcked(c.offset(), c.length(), c.fin());
        } else {
            sender.onLost(c.offset(), c.length(), c.fin()); // the ACK was lost: spurious retransmission
        }
    }
}
