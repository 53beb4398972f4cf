package org.qdsr.testbed.link;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The relay over loopback UDP: an echo "server" behind it, clients in front. */
@Timeout(30)
class LinkEmulatorTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final long DELAY_MS = 30;

    @TempDir
    Path tmp;

    /** Echoes every datagram, prefixed with "echo:", to its sender. */
    private static final class EchoServer implements AutoCloseable {
        final DatagramSocket socket;
        final Thread thread;

        EchoServer() throws Exception {
            socket = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
            thread = new Thread(this::run, "echo");
            thread.setDaemon(true);
            thread.start();
        }

        InetSocketAddress address() {
            return (InetSocketAddress) socket.getLocalSocketAddress();
        }

        private void run() {
            byte[] buf = new byte[65_535];
            try {
                while (true) {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    socket.receive(p);
                    byte[] reply = concat("echo:".getBytes(), Arrays.copyOf(p.getData(), p.getLength()));
                    socket.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
                }
            } catch (Exception closed) {
                // socket closed
            }
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static byte[] payload(int client, int i) {
        byte[] b = new byte[100 + i * 37 % 1200];
        Arrays.fill(b, (byte) (client * 31 + i));
        b[0] = (byte) client;
        b[1] = (byte) i;
        return b;
    }

    @Test
    void relaysBothWaysForSeveralClientsNoEarlierThanTheDelay() throws Exception {
        LinkSpec spec = new LinkSpec(DELAY_MS * 1_000_000, 0, 0, null, LinkSpec.DEFAULT_QUEUE_BYTES);
        try (EchoServer echo = new EchoServer();
             LinkEmulator link = LinkEmulator.start(new LinkEmulator.Config(new InetSocketAddress(LOOPBACK, 0),
                     echo.address(), spec, spec, 7));
             DatagramSocket a = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
             DatagramSocket b = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            SocketAddress relay = link.localAddress();
            assertThat(link.localAddress().getPort()).isPositive();
            List<DatagramSocket> clients = List.of(a, b);
            int n = 20;
            long[] sentAt = new long[n];
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < 2; c++) {
                    byte[] p = payload(c, i);
                    sentAt[i] = System.nanoTime();
                    clients.get(c).send(new DatagramPacket(p, p.length, relay));
                }
            }
            for (int c = 0; c < 2; c++) {
                DatagramSocket s = clients.get(c);
                s.setSoTimeout(10_000);
                for (int i = 0; i < n; i++) {
                    DatagramPacket r = new DatagramPacket(new byte[2000], 2000);
                    s.receive(r);
                    long elapsed = System.nanoTime() - sentAt[i];
                    assertThat(r.getSocketAddress()).isEqualTo(relay);
                    byte[] got = Arrays.copyOf(r.getData(), r.getLength());
                    assertThat(got).as("client %d reply %d in order", c, i)
                            .isEqualTo(concat("echo:".getBytes(), payload(c, i)));
                    assertThat(elapsed).as("round trip is at least two one-way delays")
                            .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(2 * DELAY_MS));
                }
            }
            LinkEmulator.Stats s = link.stats();
            long bytes = 0;
            for (int i = 0; i < n; i++) {
                bytes += payload(0, i).length + payload(1, i).length;
            }
            assertThat(s.up().forwardedDatagrams()).isEqualTo(2 * n);
            assertThat(s.up().forwardedBytes()).isEqualTo(bytes);
            assertThat(s.down().forwardedDatagrams()).isEqualTo(2 * n);
            assertThat(s.down().forwardedBytes()).isEqualTo(bytes + 2 * n * 5);
            assertThat(s.mappingsCreated()).isEqualTo(2);
            assertThat(s.mappingsOpen()).isEqualTo(2);
            assertThat(s.toJson()).contains("\"up\":{\"forwarded_datagrams\":40,");
        }
    }

    @Test
    void mainPrintsReadyAndWritesStatsOnStop() throws Exception {
        Path stats = tmp.resolve("link.json");
        try (EchoServer echo = new EchoServer();
             DatagramSocket client = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            LinkEmulatorMain main = new LinkEmulatorMain();
            StringWriter out = new StringWriter();
            CommandLine cl = new CommandLine(main);
            cl.setOut(new PrintWriter(out, true));
            CompletableFuture<Integer> exit = new CompletableFuture<>();
            Thread t = new Thread(() -> exit.complete(cl.execute("--listen", "127.0.0.1:0", "--target",
                    "127.0.0.1:" + echo.address().getPort(), "--delay-ms", "5", "--up-loss", "1",
                    "--stats-file", stats.toString())));
            t.start();
            while (!out.toString().startsWith("ready")) {
                assertThat(exit).isNotDone();
                Thread.sleep(10);
            }
            assertThat(out.toString()).contains("delay 5.000 ms, loss 1.0").contains("delay 5.000 ms, loss 0.0");
            int port = Integer.parseInt(out.toString().replaceAll("(?s)^ready: link emulator on 127\\.0\\.0\\.1:(\\d+) .*",
                    "$1"));
            byte[] p = "lost".getBytes();
            for (int i = 0; i < 3; i++) {
                client.send(new DatagramPacket(p, p.length, new InetSocketAddress(LOOPBACK, port)));
            }
            while (main.stats().up().lossDatagrams() < 3) {
                Thread.sleep(10);
            }
            main.stop();
            assertThat(exit.get(10, TimeUnit.SECONDS)).isZero();
            String json = Files.readString(stats);
            assertThat(json).contains("\"up\":{\"forwarded_datagrams\":0,\"forwarded_bytes\":0,"
                    + "\"dropped_loss_datagrams\":3,\"dropped_loss_bytes\":12,");
            assertThat(json).contains("\"mappings_created\":1");
        }
    }

    @Test
    void badFlagsAreUsageErrors() {
        CommandLine cl = new CommandLine(new LinkEmulatorMain());
        cl.setErr(new PrintWriter(new StringWriter()));
        assertThat(cl.execute("--listen", "127.0.0.1:0")).isEqualTo(2);
        assertThat(cl.execute("--listen", "127.0.0.1:0", "--target", "127.0.0.1:9", "--loss", "2")).isEqualTo(2);
        assertThat(cl.execute("--listen", "127.0.0.1:0", "--target", "127.0.0.1:9", "--up-trace",
                tmp.resolve("missing").toString())).isEqualTo(2);
    }

    @Test
    void perDirectionFlagsOverrideTheSharedOnes() throws Exception {
        LinkEmulatorMain main = new LinkEmulatorMain();
        new CommandLine(main).parseArgs("--listen", "127.0.0.1:4433", "--target", "127.0.0.1:443", "--delay-ms",
                "25", "--down-delay-ms", "10.5", "--loss", "0.01", "--up-loss", "0", "--rate-mbit", "50",
                "--up-rate-mbit", "5", "--down-trace", MahimahiTraceTest.TRACES.resolve("ATT-LTE-driving-2016.down")
                        .toString(), "--queue-bytes", "30000", "--seed", "3");
        LinkEmulator.Config c = main.config();
        assertThat(c.listen()).isEqualTo(new InetSocketAddress("127.0.0.1", 4433));
        assertThat(c.target()).isEqualTo(new InetSocketAddress("127.0.0.1", 443));
        assertThat(c.up()).isEqualTo(new LinkSpec(25_000_000, 0, 5, null, 30_000));
        assertThat(c.down().delayNanos()).isEqualTo(10_500_000);
        assertThat(c.down().loss()).isEqualTo(0.01);
        assertThat(c.down().trace().size()).isEqualTo(45_604);
        assertThat(c.down().shaper(0)).isInstanceOf(TraceShaper.class);
        assertThat(c.up().shaper(0)).isInstanceOf(TokenBucketShaper.class);
        assertThat(c.seed()).isEqualTo(3);
    }
}
