package org.qdsr.testbed.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One {@code qdsr bench} invocation per client: N connections x M streams for S seconds (or R
 * requests), cycling through {@code paths} on {@code target} (host:port), or drawing sizes from
 * {@code sizes} ({@code bench --sizes}); open loop at {@code rate} requests/s when positive
 * ({@code bench --rate}). Always {@code --warmup}: one unrecorded request per connection first, so
 * handshakes and the client's cold start are not in the latencies.
 */
public record BenchLoad(int connections, int streams, double seconds, long requests, List<String> paths,
        String target, String sizes, double rate) {
    public BenchLoad {
        if (connections < 1 || streams < 1 || (seconds <= 0) == (requests <= 0) || paths.isEmpty()) {
            throw new IllegalArgumentException("bench load needs connections, streams, paths and one of "
                    + "seconds/requests");
        }
        paths = List.copyOf(paths);
    }

    public BenchLoad(int connections, int streams, double seconds, long requests, List<String> paths,
            String target) {
        this(connections, streams, seconds, requests, paths, target, null, 0);
    }

    /** Timed load against the VIP. */
    public static BenchLoad timed(int connections, int streams, double seconds, List<String> paths) {
        return new BenchLoad(connections, streams, seconds, 0, paths, Cluster.VIP_TARGET);
    }

    /** A fixed number of requests against the VIP. */
    public static BenchLoad counted(int connections, int streams, long requests, List<String> paths) {
        return new BenchLoad(connections, streams, 0, requests, paths, Cluster.VIP_TARGET);
    }

    public BenchLoad withTarget(String hostPort) {
        return new BenchLoad(connections, streams, seconds, requests, paths, hostPort, sizes, rate);
    }

    /** Sizes drawn from a mix ({@code bench --sizes SPEC}) instead of cycling through the paths. */
    public BenchLoad withSizes(String spec) {
        return new BenchLoad(connections, streams, seconds, requests, paths, target, spec, rate);
    }

    /** Open loop: {@code r} arrivals per second ({@code bench --rate}). */
    public BenchLoad withRate(double r) {
        return new BenchLoad(connections, streams, seconds, requests, paths, target, sizes, r);
    }

    /** {@code /bytes/N} for a synthetic RS. */
    public static String bytes(long n) {
        return "/bytes/" + n;
    }

    /** The bench arguments (after the jar). */
    public List<String> arguments() {
        List<String> a = new ArrayList<>(List.of("bench", "--json", "--insecure", "--warmup", "--timeout", "30",
                "-c", Integer.toString(connections), "-m", Integer.toString(streams)));
        if (sizes != null) {
            a.addAll(List.of("--sizes", sizes));
        }
        if (rate > 0) {
            a.addAll(List.of("--rate", String.format(Locale.ROOT, "%.1f", rate)));
        }
        if (seconds > 0) {
            a.addAll(List.of("-D", String.format(Locale.ROOT, "%.3f", seconds)));
        } else {
            a.addAll(List.of("-n", Long.toString(requests)));
        }
        paths.forEach(p -> a.add("https://" + target + p));
        return a;
    }

    /**
     * Upper bound on how long the bench process may run: the duration plus 90 s, and for counted
     * loads 5 s more per request (30 x 1 MB over a lossy 50 ms path took longer than 90 s).
     */
    public long timeoutSeconds() {
        return (long) (seconds > 0 ? seconds : 0) + 90 + 5 * requests;
    }
}
