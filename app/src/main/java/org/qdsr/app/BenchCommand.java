package org.qdsr.app;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.qdsr.app.bench.ArrivalSchedule;
import org.qdsr.app.bench.BenchDriver;
import org.qdsr.app.bench.BenchStats;
import org.qdsr.app.bench.BenchSummary;
import org.qdsr.app.bench.OpenLoopDriver;
import org.qdsr.app.bench.RequestPlan;
import org.qdsr.app.bench.SizeMix;
import org.qdsr.app.net.HostPort;
import org.qdsr.app.net.Http3Client;
import org.qdsr.quic.connection.ConnectionConfig;
import org.qdsr.quic.tls.ClientTlsConfig;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code qdsr bench}: an h2load-style HTTP/3 load generator. Opens N connections, keeps M GETs in
 * flight on each, cycles through the URLs until R requests completed or S seconds passed, and
 * prints throughput, status counts and latency percentiles. Exits 1 if any request failed.
 * {@code --sizes} draws object sizes from a weighted mix ({@code /bytes/N}); {@code --rate} makes
 * it open loop ({@link OpenLoopDriver}): R, N and M then bound arrivals and concurrency.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Load-test HTTP/3 servers (h2load style): N connections x M concurrent streams.")
public final class BenchCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = {"-c", "--connections"}, paramLabel = "N", defaultValue = "1",
            description = "connections to open (default: ${DEFAULT-VALUE})")
    private int connections;

    @Option(names = {"-m", "--streams"}, paramLabel = "M", defaultValue = "10",
            description = "concurrent requests per connection (default: ${DEFAULT-VALUE})")
    private int streams;

    @ArgGroup(exclusive = true)
    private Amount amount;

    @Option(names = "--timeout", paramLabel = "S", defaultValue = "30",
            description = "seconds before a request counts as failed (default: ${DEFAULT-VALUE})")
    private double timeoutSeconds;

    @Option(names = "--insecure", description = "accept any server certificate (testing only)")
    private boolean insecure;

    @Option(names = "--json", description = "print one JSON object instead of the human summary")
    private boolean json;

    @Option(names = "--no-server-paths",
            description = "do not offer per-server packet-number spaces (behave like an unmodified QUIC client)")
    private boolean noServerPaths;

    @Option(names = "--sizes", paramLabel = "SPEC",
            description = "object-size mix SIZE:WEIGHT,... (e.g. 1k:50,10k:30,100k:15,1m:5): request "
                    + "PREFIX+SIZE on the first URL's host instead of the URLs' paths")
    private String sizes;

    @Option(names = "--sizes-path", paramLabel = "PREFIX", defaultValue = "/bytes/",
            description = "path prefix for --sizes (default: ${DEFAULT-VALUE}, served by 'qdsr rs --synthetic')")
    private String sizesPath;

    @Option(names = "--rate", paramLabel = "R",
            description = "open loop: R requests/s arrive on schedule whatever the completions; an arrival "
                    + "finding all streams busy is dropped; latencies count from the scheduled time")
    private Double rate;

    @Option(names = "--arrivals", paramLabel = "KIND", defaultValue = "poisson",
            description = "open-loop inter-arrival times: poisson or uniform (default: ${DEFAULT-VALUE})")
    private String arrivals;

    @Option(names = "--warmup",
            description = "first send one unrecorded request per connection (handshakes are not measured)")
    private boolean warmup;

    @Option(names = "--samples", paramLabel = "FILE",
            description = "also write every request (completion time, status, bytes, TTFB, latency, x-served-by,"
                    + " error) to this CSV file")
    private java.nio.file.Path samplesFile;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "seed for --sizes draws and Poisson arrivals (default: ${DEFAULT-VALUE})")
    private long seed;

    @Parameters(arity = "1..*", paramLabel = "URL", description = "https:// URLs, requested in turn")
    private List<String> urls;

    static final class Amount {
        @Option(names = {"-n", "--requests"}, paramLabel = "R", description = "total requests (default: 100)")
        Long requests;

        @Option(names = {"-D", "--duration"}, paramLabel = "S", description = "run for this many seconds instead")
        Double duration;
    }

    @Override
    public Integer call() throws Exception {
        List<GetTarget> targets = parseTargets();
        long requests = amount == null || amount.requests == null ? (amount == null ? 100 : 0) : amount.requests;
        long durationNanos = amount != null && amount.duration != null ? (long) (amount.duration * 1e9) : 0;
        validate(requests, durationNanos);
        long timeoutNanos = (long) (timeoutSeconds * 1e9);
        GetTarget first = targets.get(0);
        InetSocketAddress server = new HostPort(first.host(), first.port()).resolve();
        ClientTlsConfig tls = ClientTlsConfig.of(first.host(), ServerCommand.ALPN).withInsecure(insecure);
        ConnectionConfig config = ConnectionConfig.defaults()
                .withMaxIdleTimeout(Duration.ofNanos(Math.max(timeoutNanos, 1_000_000_000L)));
        if (!noServerPaths) {
            config = config.withPaths(GetCommand.CLIENT_PATHS, true);
        }
        RequestPlan plan = plan(targets);
        BenchSummary summary;
        try (Http3Client client = Http3Client.start("qdsr-bench")) {
            List<Http3Client.Connection> open = connect(client, server, tls, config);
            String warmupError = warmup ? BenchDriver.warmUp(open, plan.target(0), timeoutNanos) : null;
            if (warmupError != null) {
                spec.commandLine().getErr().println("bench: warm-up request failed: " + warmupError);
                return Main.FAILURE;
            }
            BenchStats stats;
            if (rate == null) {
                BenchDriver d = new BenchDriver(open, plan, streams, requests, durationNanos, timeoutNanos);
                stats = keepSamples(d.stats());
                summary = d.run();
            } else {
                ArrivalSchedule schedule = new ArrivalSchedule(rate, arrivalKind(), seed);
                OpenLoopDriver d = new OpenLoopDriver(open, plan, streams, schedule, rate, requests, durationNanos,
                        timeoutNanos);
                stats = keepSamples(d.stats());
                summary = d.run();
            }
            writeSamples(stats);
            open.forEach(Http3Client.Connection::closeWhenIdle);
        }
        print(summary);
        return summary.failed() > 0 ? Main.FAILURE : Main.OK;
    }

    private BenchStats keepSamples(BenchStats stats) {
        if (samplesFile != null) {
            stats.keepSamples();
        }
        return stats;
    }

    private void writeSamples(BenchStats stats) throws IOException {
        if (samplesFile != null) {
            try (java.io.Writer w = java.nio.file.Files.newBufferedWriter(samplesFile)) {
                stats.writeSamples(w);
            }
        }
    }

    private ArrivalSchedule.Kind arrivalKind() {
        try {
            return ArrivalSchedule.Kind.valueOf(arrivals.strip().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw usage("--arrivals must be poisson or uniform");
        }
    }

    private RequestPlan plan(List<GetTarget> targets) {
        if (sizes != null) {
            try {
                SizeMix mix = SizeMix.parse(sizes);
                return RequestPlan.sizes(mix, targets.get(0).authority(), sizesPath, seed);
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage());
            }
        }
        List<BenchDriver.Target> paths = new ArrayList<>();
        for (GetTarget t : targets) {
            paths.add(new BenchDriver.Target(t.authority(), t.path()));
        }
        return RequestPlan.roundRobin(paths);
    }

    private List<Http3Client.Connection> connect(Http3Client client, InetSocketAddress server, ClientTlsConfig tls,
                                                 ConnectionConfig config) throws IOException {
        List<Http3Client.Connection> open = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            open.add(client.connect(server, tls, config));
        }
        return open;
    }

    private void print(BenchSummary summary) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(summary.toJson());
            out.flush();
        } else {
            summary.printHuman(out);
        }
    }

    private void validate(long requests, long durationNanos) {
        if (connections < 1 || streams < 1) {
            throw usage("--connections and --streams must be at least 1");
        }
        if (amount != null && amount.requests != null && requests < 1) {
            throw usage("--requests must be at least 1");
        }
        if (amount != null && amount.duration != null && durationNanos <= 0) {
            throw usage("--duration must be positive");
        }
        if (timeoutSeconds <= 0) {
            throw usage("--timeout must be positive");
        }
        if (rate != null && !(rate > 0 && rate < 1e9)) {
            throw usage("--rate must be positive");
        }
        arrivalKind();
        if (!sizesPath.startsWith("/")) {
            throw usage("--sizes-path must start with /");
        }
    }

    private List<GetTarget> parseTargets() {
        List<GetTarget> targets = new ArrayList<>();
        for (String u : urls) {
            try {
                targets.add(GetTarget.parse(u));
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage());
            }
        }
        String key = targets.get(0).connectionKey();
        if (targets.stream().anyMatch(t -> !t.connectionKey().equals(key))) {
            throw usage("all URLs must share one host:port");
        }
        return targets;
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
