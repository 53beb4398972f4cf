package org.qdsr.app.cluster;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.qdsr.http3.session.BodySink;
import org.qdsr.http3.session.Http3ClientSession;
import org.qdsr.http3.session.Http3Result;
import org.qdsr.io.UdpEventLoop;
import org.qdsr.io.UdpOptions;
import org.qdsr.quic.DatagramEndpoint;
import org.qdsr.quic.DatagramSink;
import org.qdsr.quic.connection.ClientOptions;
import org.qdsr.quic.connection.ConnectionConfig;
import org.qdsr.quic.connection.QuicConnection;
import org.qdsr.quic.endpoint.QuicClientEndpoint;
import org.qdsr.quic.tls.ClientTlsConfig;

/**
 * An HTTP/3 client over one QUIC connection on a real UDP socket that records the source
 * address of every datagram it receives (DSR: all of them must come from the VIP).
 */
final class RecordingClient implements AutoCloseable {
    private final UdpEventLoop loop;
    private final QuicClientEndpoint endpoint = new QuicClientEndpoint();
    private final Set<InetSocketAddress> sources = ConcurrentHashMap.newKeySet();
    private final AtomicLong datagrams = new AtomicLong();
    private final String authority;
    private QuicConnection quic;
    private Http3ClientSession session;

    private RecordingClient(InetSocketAddress vip) throws IOException {
        this.loop = UdpEventLoop.start("recording-client");
        this.authority = "localhost:" + vip.getPort();
        loop.register(new InetSocketAddress("127.0.0.1", 0), new Recorder(), UdpOptions.defaults());
        loop.call(() -> {
            quic = QuicConnection.connect(ClientOptions.of(ClientTlsConfig.of("localhost", List.of("h3"))
                    .withInsecure(true), vip).withConfig(ConnectionConfig.defaults().withPaths(16, true)),
                    System.nanoTime());
            session = new Http3ClientSession();
            endpoint.add(quic, session);
            return null;
        });
        loop.wakeup();
    }

    static RecordingClient connect(InetSocketAddress vip) throws IOException {
        return new RecordingClient(vip);
    }

    /** A GET whose body is collected; the future completes on the loop thread. */
    Fetch get(String path) {
        Fetch f = new Fetch(path);
        loop.execute(() -> {
            endpoint.poke(System.nanoTime());
            session.request("GET", "https", authority, path, List.of(), null, f).whenComplete((r, t) -> {
                if (t != null) {
                    f.future.completeExceptionally(t);
                } else {
                    f.future.complete(r);
                }
            });
            endpoint.poke(System.nanoTime());
        });
        return f;
    }

    /** Waits (up to 20 s, else fails) until {@code fetches} together received {@code bytes} body bytes. */
    static void awaitProgress(List<Fetch> fetches, long bytes) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        while (fetches.stream().mapToLong(Fetch::received).sum() < bytes) {
            org.assertj.core.api.Assertions.assertThat(System.nanoTime()).as("transfers started").isLessThan(deadline);
            Thread.sleep(2);
        }
    }

    Set<InetSocketAddress> sources() {
        return Set.copyOf(sources);
    }

    long datagrams() {
        return datagrams.get();
    }

    /** The connection's state, read on the loop thread. */
    QuicConnection.State state() throws IOException {
        return loop.call(() -> quic.state());
    }

    @Override
    public void close() {
        try {
            loop.call(() -> {
                if (!quic.isClosed()) {
                    session.close();
                    endpoint.poke(System.nanoTime());
                }
                return null;
            });
            loop.call(() -> null);
        } catch (IOException | RuntimeException e) {
            // loop already gone
        } finally {
            loop.close();
        }
    }

    /** One request: its body and its outcome. */
    static final class Fetch implements BodySink {
        final String path;
        final CompletableFuture<Http3Result> future = new CompletableFuture<>();
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();

        Fetch(String path) {
            this.path = path;
        }

        @Override
        public synchronized void onData(byte[] buf, int off, int len) {
            body.write(buf, off, len);
        }

        synchronized byte[] body() {
            return body.toByteArray();
        }

        synchronized int received() {
            return body.size();
        }
    }

    /** Counts and records the source of every datagram before the QUIC endpoint sees it. */
    private final class Recorder implements DatagramEndpoint {
        @Override
        public void onDatagram(byte[] data, int off, int len, InetSocketAddress from, long now) {
            sources.add(from);
            datagrams.incrementAndGet();
            endpoint.onDatagram(data, off, len, from, now);
        }

        @Override
        public void drainTransmit(long now, DatagramSink sink) {
            endpoint.drainTransmit(now, sink);
        }

        @Override
        public long nextDeadline() {
            return endpoint.nextDeadline();
        }

        @Override
        public void onDeadline(long now) {
            endpoint.onDeadline(now);
        }
    }
}
