package org.qdsr.rs;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qdsr.control.message.Handoff;
import org.qdsr.control.message.ProxyData;
import org.qdsr.control.message.ProxyHead;
import org.qdsr.control.message.StreamControl;
import org.qdsr.control.message.StreamReport;
import org.qdsr.rs.content.DirectorySource;
import org.qdsr.rs.content.OriginSource;
import org.qdsr.rs.content.SyntheticSource;

class RealServerCoreTest {
    @TempDir
    Path dir;

    private static byte[] synthetic(int n) {
        byte[] b = new byte[n];
        SyntheticSource.fill(0, b, 0, n);
        return b;
    }

    @Test
    void directoryFileIsDeliveredOnThePathAndFinishedAfterAcks() throws Exception {
        byte[] body = new byte[300_000];
        new Random(5).nextBytes(body);
        Files.write(dir.resolve("big.bin"), body);
        FakeLb lb = new FakeLb(new DirectorySource(dir));
        TestClient client = lb.client(3);
        lb.handoff(3, 0, "GET", "/big.bin");
        lb.run(3, client, () -> lb.report(0) != null);

        TestClient.Response r = TestClient.parseResponse(client.streamBytes(0));
        assertThat(client.complete(0)).isTrue();
        assertThat(r.field(":status")).isEqualTo("200");
        assertThat(r.field("content-length")).isEqualTo("300000");
        assertThat(r.field("content-type")).isEqualTo("application/octet-stream");
        assertThat(r.body()).isEqualTo(body);
        StreamReport report = lb.report(0);
        assertThat(report.outcome()).isEqualTo(StreamReport.Outcome.FINISHED);
        assertThat(report.status()).isEqualTo(200);
        assertThat(report.bytesAcked()).isEqualTo(client.streamBytes(0).length);
        assertThat(lb.destinations).containsOnly(FakeLb.CLIENT);
        assertThat(lb.core.streamCount()).isZero();
    }

    @Test
    void missingFileIs404AndHeadHasNoBody() throws Exception {
        Files.writeString(dir.resolve("a.txt"), "hello");
        FakeLb lb = new FakeLb(new DirectorySource(dir));
        TestClient client = lb.client(1);
        lb.handoff(1, 0, "GET", "/nope");
        lb.handoff(1, 4, "HEAD", "/a.txt");
        lb.run(1, client, () -> lb.report(0) != null && lb.report(4) != null);

        assertThat(TestClient.parseResponse(client.streamBytes(0)).field(":status")).isEqualTo("404");
        TestClient.Response head = TestClient.parseResponse(client.streamBytes(4));
        assertThat(head.field(":status")).isEqualTo("200");
        assertThat(head.field("content-length")).isEqualTo("5");
        assertThat(head.body()).isEmpty();
        assertThat(lb.report(4).outcome()).isEqualTo(StreamReport.Outcome.FINISHED);
    }

    @Test
    void syntheticBytesWithDelayWaitForTheDeadline() throws Exception {
        FakeLb lb = new FakeLb(new SyntheticSource());
        TestClient client = lb.client(2);
        long start = lb.now;
        lb.handoff(2, 8, "GET", "/delay/50/bytes/100000");
        assertThat(lb.drainTo(client)).as("nothing before the delay").isZero();
        assertThat(lb.core.nextDeadline()).isEqualTo(start + 50_000_000L);
        lb.run(2, client, () -> lb.report(8) != null);

        TestClient.Response r = TestClient.parseResponse(client.streamBytes(8));
        assertThat(r.field("content-length")).isEqualTo("100000");
        assertThat(r.body()).isEqualTo(synthetic(100_000));
        assertThat(lb.report(8).outcome()).isEqualTo(StreamReport.Outcome.FINISHED);
    }

    @Test
    void originResponseIsStreamedThroughTheCoreThread() throws Exception {
        byte[] body = new byte[200_000];
        new Random(9).nextBytes(body);
        HttpServer origin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        origin.createContext("/obj", ex -> {
            ex.getResponseHeaders().add("Content-Type", "image/png");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        origin.start();
        ConcurrentLinkedQueue<Runnable> coreTasks = new ConcurrentLinkedQueue<>();
        try {
            URI uri = URI.create("http://127.0.0.1:" + origin.getAddress().getPort());
            FakeLb lb = new FakeLb(new OriginSource(uri, coreTasks::add));
            TestClient client = lb.client(5);
            lb.handoff(5, 0, "GET", "/obj");
            long until = System.nanoTime() + 10_000_000_000L;
            while (lb.report(0) == null && System.nanoTime() < until) {
                Runnable t;
                while ((t = coreTasks.poll()) != null) {
                    t.run();
                }
                lb.run(5, client, () -> true);
                lb.run(5, client, () -> coreTasks.size() > 0 || lb.report(0) != null);
                Thread.sleep(1);
            }
            TestClient.Response r = TestClient.parseResponse(client.streamBytes(0));
            assertThat(r.field(":status")).isEqualTo("200");
            assertThat(r.field("content-type")).isEqualTo("image/png");
            assertThat(r.field("content-length")).isEqualTo("200000");
            assertThat(r.body()).isEqualTo(body);
            assertThat(lb.report(0).outcome()).isEqualTo(StreamReport.Outcome.FINISHED);
        } finally {
            origin.stop(0);
        }
    }

    @Test
    void proxyModeSendsHeadAndBodyOverTheControlChannelWithinTheWindow() {
        FakeLb lb = new FakeLb(new SyntheticSource());
        lb.core.onMessage(FakeLb.LINK, new Handoff(1, 9, 0, new byte[0], FakeLb.request("GET", "/bytes/3000000"),
                Handoff.Mode.PROXY), lb.now);
        lb.core.drainTransmit(lb.now, (b, o, l, t) -> true);
        ProxyHead head = lb.messages(ProxyHead.class).get(0);
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.contentLength()).isEqualTo(3_000_000);
        long windowed = lb.messages(ProxyData.class).stream().mapToLong(ProxyData::length).sum();
        assertThat(windowed).isEqualTo(1 << 20);
        assertThat(lb.report(0)).isNull();

        lb.core.onMessage(FakeLb.LINK, new StreamControl(9, 0, StreamControl.Kind.MAX_STREAM_DATA, 3_000_000), lb.now);
        lb.core.drainTransmit(lb.now, (b, o, l, t) -> true);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        long expected = 0;
        for (ProxyData d : lb.messages(ProxyData.class)) {
            assertThat(d.offset()).isEqualTo(expected);
            body.writeBytes(d.data());
            expected += d.length();
        }
        assertThat(lb.messages(ProxyData.class).get(lb.messages(ProxyData.class).size() - 1).fin()).isTrue();
        assertThat(body.toByteArray()).isEqualTo(synthetic(3_000_000));
        assertThat(lb.report(0).outcome()).isEqualTo(StreamReport.Outcome.FINISHED);
        assertThat(lb.core.counters().datagramsSent).isZero();
    }

    @Test
    void malformedSnapshotIsRejectedAndOtherConnectionsKeepGoing() throws Exception {
        FakeLb lb = new FakeLb(new SyntheticSource());
        TestClient client = lb.client(1);
        lb.handoff(1, 0, "GET", "/bytes/50000");
        lb.core.onMessage(FakeLb.LINK, new Handoff(2, 2, 0, new byte[] {1, 2, 3}, FakeLb.request("GET", "/bytes/5"),
                Handoff.Mode.ISOLATED), lb.now);
        byte[] truncated = java.util.Arrays.copyOf(FakeLb.snapshot(3, 0).encode(), 20);
        lb.core.onMessage(FakeLb.LINK, new Handoff(3, 3, 0, truncated, FakeLb.request("GET", "/bytes/5"),
                Handoff.Mode.ISOLATED), lb.now);
        lb.core.onMessage(FakeLb.LINK, new StreamControl(99, 0, StreamControl.Kind.STOP_SENDING, 1), lb.now);
        assertThat(lb.messages(StreamReport.class)).extracting(StreamReport::connectionKey, StreamReport::outcome)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(2L, StreamReport.Outcome.REJECTED),
                        org.assertj.core.groups.Tuple.tuple(3L, StreamReport.Outcome.REJECTED));
        lb.run(1, client, () -> lb.report(0) != null && lb.report(0).connectionKey() == 1);

        assertThat(TestClient.parseResponse(client.streamBytes(0)).body()).isEqualTo(synthetic(50_000));
        assertThat(lb.core.connectionCount()).isEqualTo(1);
    }

    @Test
    void stopSendingResetsTheStreamAndReportsReset() throws Exception {
        FakeLb lb = new FakeLb(new SyntheticSource());
        TestClient client = lb.client(4);
        lb.handoff(4, 0, "GET", "/bytes/5000000");
        lb.drainTo(client);
        lb.core.onMessage(FakeLb.LINK, new StreamControl(4, 0, StreamControl.Kind.STOP_SENDING, 0x10c), lb.now);
        StreamReport r = lb.report(0);
        assertThat(r.outcome()).isEqualTo(StreamReport.Outcome.RESET);
        assertThat(r.errorCode()).isEqualTo(0x10c);
        assertThat(lb.core.streamCount()).isZero();
    }

    @Test
    void datagramsFromClientsAreDroppedAndCounted() {
        FakeLb lb = new FakeLb(new SyntheticSource());
        lb.core.onDatagram(new byte[100], 0, 100, FakeLb.CLIENT, lb.now);
        assertThat(lb.core.counters().datagramsDropped).isEqualTo(1);
        assertThat(lb.received).isEmpty();
    }

    @Test
    void secondHandoffOnTheConnectionSharesThePathSender() throws Exception {
        FakeLb lb = new FakeLb(new SyntheticSource());
        TestClient client = lb.client(6);
        lb.handoff(6, 0, "GET", "/bytes/20000");
        lb.handoff(6, 4, "GET", "/bytes/30000");
        lb.run(6, client, () -> lb.report(0) != null && lb.report(4) != null);
        assertThat(TestClient.parseResponse(client.streamBytes(0)).body()).isEqualTo(synthetic(20_000));
        assertThat(TestClient.parseResponse(client.streamBytes(4)).body()).isEqualTo(synthetic(30_000));
        assertThat(lb.core.connectionCount()).isEqualTo(1);
        lb.core.onMessage(FakeLb.LINK, new org.qdsr.control.message.ConnectionClosed(6, 0), lb.now);
        assertThat(lb.core.connectionCount()).isZero();
        assertThat(List.of(lb.report(0).outcome(), lb.report(4).outcome()))
                .containsOnly(StreamReport.Outcome.FINISHED);
    }
    /** Every handed-off stream ends in one outcome counter: also those the connection's close cut short. */
    @Test
    void streamsEndedByConnectionCloseAreCounted() throws Exception {
        FakeLb lb = new FakeLb(new SyntheticSource());
        lb.client(7);
        lb.handoff(7, 0, "GET", "/bytes/1000000");
        lb.handoff(7, 4, "GET", "/bytes/1000000");
        assertThat(lb.core.streamCount()).isEqualTo(2);
        lb.core.onMessage(FakeLb.LINK, new org.qdsr.control.message.ConnectionClosed(7, 0), lb.now);
        RsCounters c = lb.core.counters();
        assertThat(c.handoffs).isEqualTo(2);
        assertThat(c.closed).isEqualTo(2);
        assertThat(c.finished + c.failed + c.reset + c.rejected + c.closed).isEqualTo(c.handoffs);
    }
}
