package org.qdsr.rs;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.qdsr.control.message.AckForward;
import org.qdsr.control.message.ControlMessage;
import org.qdsr.control.message.Handoff;
import org.qdsr.control.message.RequestHead;
import org.qdsr.control.message.StreamReport;
import org.qdsr.quic.crypto.CipherSuite;
import org.qdsr.quic.path.ConnectionSnapshot;
import org.qdsr.quic.wire.ConnectionId;
import org.qdsr.rs.content.ContentSource;

/** Drives a {@link RealServerCore} like an LB would, on a virtual clock, with a {@link TestClient} per connection. */
final class FakeLb implements MessageSink {
    static final long LINK = 7;
    static final CipherSuite SUITE = CipherSuite.TLS_AES_128_GCM_SHA256;
    static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 50_000);
    static final long PATH = 1;

    final List<ControlMessage> received = new ArrayList<>();
    final List<InetSocketAddress> destinations = new ArrayList<>();
    final RealServerCore core;
    long now = 1_000_000_000L;
    private long handoffIds;

    FakeLb(ContentSource source) {
        this.core = new RealServerCore(source, this);
    }

    @Override
    public void send(long linkId, ControlMessage m) {
        if (linkId != LINK) {
            throw new AssertionError("message to link " + linkId);
        }
        received.add(m);
    }

    static byte[] secret(long connectionKey) {
        byte[] s = new byte[32];
        Arrays.fill(s, (byte) (connectionKey + 1));
        return s;
    }

    static ConnectionId dcid(long connectionKey) {
        return ConnectionId.of(new byte[] {1, 2, 3, 4, 5, 6, 7, (byte) connectionKey});
    }

    static ConnectionSnapshot snapshot(long connectionKey, long streamId) {
        return ConnectionSnapshot.initial(SUITE, secret(connectionKey), false, dcid(connectionKey), PATH, CLIENT, 1452,
                25_000_000L, 3, 64L << 20, List.of(ConnectionSnapshot.StreamSnapshot.fresh(streamId, 64L << 20)));
    }

    TestClient client(long connectionKey) {
        return new TestClient(SUITE, secret(connectionKey), dcid(connectionKey), PATH);
    }

    void handoff(long connectionKey, long streamId, String method, String path) {
        core.onMessage(LINK, new Handoff(++handoffIds, connectionKey, streamId,
                snapshot(connectionKey, streamId).encode(), request(method, path), Handoff.Mode.ISOLATED), now);
    }

    static RequestHead request(String method, String path) {
        return new RequestHead(method, "https", "example.test", path, List.of(), new byte[0]);
    }

    /** Drains the core: every datagram goes to {@code client}. Returns how many. */
    int drainTo(TestClient client) throws Exception {
        List<byte[]> out = new ArrayList<>();
        core.drainTransmit(now, (b, off, len, to) -> {
            out.add(TestClient.copy(b, off, len));
            destinations.add(to);
            return true;
        });
        for (byte[] d : out) {
            client.receive(d);
        }
        return out.size();
    }

    void ack(long connectionKey, TestClient client) {
        core.onMessage(LINK, AckForward.of(connectionKey, PATH, 0, client.ackRanges()), now);
    }

    /** Sends, acks and advances the clock until {@code done} or a step limit. */
    void run(long connectionKey, TestClient client, java.util.function.BooleanSupplier done) throws Exception {
        for (int i = 0; i < 20_000 && !done.getAsBoolean(); i++) {
            long deadline = core.nextDeadline();
            if (deadline <= now) {
                core.onDeadline(now);
            }
            int n = drainTo(client);
            if (n > 0) {
                now += 1_000_000L;
                ack(connectionKey, client);
            } else {
                long next = core.nextDeadline();
                now = next == Long.MAX_VALUE ? now + 1_000_000L : Math.max(now + 1_000, next);
            }
        }
    }

    <T extends ControlMessage> List<T> messages(Class<T> type) {
        return received.stream().filter(type::isInstance).map(type::cast).toList();
    }

    StreamReport report(long streamId) {
        return messages(StreamReport.class).stream().filter(r -> r.streamId() == streamId).findFirst().orElse(null);
    }
}
