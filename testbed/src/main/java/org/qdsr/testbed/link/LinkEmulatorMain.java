package org.qdsr.testbed.link;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.qdsr.app.net.HostPort;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -cp ... org.qdsr.testbed.link.LinkEmulatorMain --listen H:P --target H:P ...}: runs a
 * {@link LinkEmulator} until SIGINT/SIGTERM, prints one line starting with {@code ready} once it
 * listens, and on exit writes {@link LinkEmulator.Stats#toJson()} to {@code --stats-file}.
 * Exit codes: 0 after {@link #stop()}, 143 after SIGTERM (the JVM's), 1 failure (e.g. bind), 2 usage.
 */
@Command(name = "link-emulator", mixinStandardHelpOptions = true,
        description = "User-space UDP link emulator: delay, random loss, rate or Mahimahi traces, per direction.")
public final class LinkEmulatorMain implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--listen", required = true, paramLabel = "HOST:PORT",
            description = "where clients send (they take it for the server); port 0 picks one")
    private String listen;

    @Option(names = "--target", required = true, paramLabel = "HOST:PORT", description = "the real server (VIP:PORT)")
    private String target;

    @Option(names = "--delay-ms", paramLabel = "MS", defaultValue = "0",
            description = "one-way delay of EACH direction (RTT grows by twice this; default 0)")
    private double delayMs;

    @Option(names = "--up-delay-ms", paramLabel = "MS", description = "client-to-server delay (overrides --delay-ms)")
    private Double upDelayMs;

    @Option(names = "--down-delay-ms", paramLabel = "MS", description = "server-to-client delay (overrides --delay-ms)")
    private Double downDelayMs;

    @Option(names = "--loss", paramLabel = "P", defaultValue = "0",
            description = "random loss probability of EACH direction, 0..1 (default 0)")
    private double loss;

    @Option(names = "--up-loss", paramLabel = "P", description = "client-to-server loss (overrides --loss)")
    private Double upLoss;

    @Option(names = "--down-loss", paramLabel = "P", description = "server-to-client loss (overrides --loss)")
    private Double downLoss;

    @Option(names = "--rate-mbit", paramLabel = "R", defaultValue = "0",
            description = "fixed rate of each direction without a trace, Mbit/s (default 0: unlimited)")
    private double rateMbit;

    @Option(names = "--up-rate-mbit", paramLabel = "R", description = "client-to-server rate (overrides --rate-mbit)")
    private Double upRateMbit;

    @Option(names = "--down-rate-mbit", paramLabel = "R", description = "server-to-client rate (overrides --rate-mbit)")
    private Double downRateMbit;

    @Option(names = "--down-trace", paramLabel = "FILE", description = "Mahimahi trace toward the client")
    private Path downTrace;

    @Option(names = "--up-trace", paramLabel = "FILE", description = "Mahimahi trace from the client")
    private Path upTrace;

    @Option(names = "--queue-bytes", paramLabel = "B", defaultValue = "" + LinkSpec.DEFAULT_QUEUE_BYTES,
            description = "drop-tail bound of each direction's bottleneck queue (default ${DEFAULT-VALUE})")
    private long queueBytes;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "loss RNG seed (default 1)")
    private long seed;

    @Option(names = "--stats-file", paramLabel = "FILE", description = "write the counters as JSON here on exit")
    private Path statsFile;

    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile LinkEmulator running;

    public static void main(String[] args) {
        System.exit(new CommandLine(new LinkEmulatorMain()).execute(args));
    }

    /** Parses the flags into a config (bad values: usage error). */
    LinkEmulator.Config config() {
        try {
            InetSocketAddress l = HostPort.parse(listen).resolve();
            InetSocketAddress t = HostPort.parse(target).resolve();
            LinkSpec up = spec(upDelayMs, upLoss, upRateMbit, upTrace);
            LinkSpec down = spec(downDelayMs, downLoss, downRateMbit, downTrace);
            return new LinkEmulator.Config(l, t, up, down, seed);
        } catch (IllegalArgumentException | IOException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private LinkSpec spec(Double delayOverride, Double lossOverride, Double rateOverride, Path trace)
            throws IOException {
        double d = delayOverride != null ? delayOverride : delayMs;
        double p = lossOverride != null ? lossOverride : loss;
        if (!(d >= 0)) {
            throw new IllegalArgumentException("delay must be >= 0 ms");
        }
        MahimahiTrace tr = trace == null ? null : MahimahiTrace.load(trace);
        return new LinkSpec(Math.round(d * 1e6), p, rateOverride != null ? rateOverride : rateMbit, tr, queueBytes);
    }

    @Override
    public Integer call() throws Exception {
        LinkEmulator.Config c = config();
        Thread hook = new Thread(this::stop, "link-emulator-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try (LinkEmulator e = LinkEmulator.start(c)) {
            running = e;
            PrintWriter out = spec.commandLine().getOut();
            out.println("ready: link emulator on " + HostPort.format(e.localAddress()) + " -> "
                    + HostPort.format(c.target()) + "; up: " + describe(c.up()) + "; down: " + describe(c.down()));
            out.flush();
            while (!stopped.await(1, TimeUnit.SECONDS) && e.isRunning()) {
                // relaying; a SIGTERM or stop() ends the wait
            }
            writeStats(e.stats());
            if (!e.isRunning() && stopped.getCount() > 0) {
                return 1; // the relay thread died (it printed why)
            }
        } finally {
            running = null;
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running: it waits for us
            }
        }
        return 0;
    }

    /** What SIGTERM does: stops the relay, writes the stats file, and returns from {@link #call}. */
    public void stop() {
        LinkEmulator e = running;
        if (e != null) {
            try {
                writeStats(e.stats());
            } catch (IOException ex) {
                System.err.println("link emulator: cannot write stats: " + ex);
            }
        }
        stopped.countDown();
    }

    /** The live counters, or null when not running. */
    public LinkEmulator.Stats stats() {
        LinkEmulator e = running;
        return e == null ? null : e.stats();
    }

    private synchronized void writeStats(LinkEmulator.Stats s) throws IOException {
        if (statsFile == null) {
            return;
        }
        Path tmp = statsFile.resolveSibling(statsFile.getFileName() + ".tmp");
        Files.writeString(tmp, s.toJson() + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, statsFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String describe(LinkSpec s) {
        String shaper = s.trace() != null ? "trace " + s.trace() : s.rateMbit() > 0 ? s.rateMbit() + " Mbit/s"
                : "unlimited";
        return String.format(java.util.Locale.ROOT, "delay %.3f ms, loss %s, %s, queue %d B",
                s.delayNanos() / 1e6, s.loss(), shaper, s.queueBytes());
    }
}
