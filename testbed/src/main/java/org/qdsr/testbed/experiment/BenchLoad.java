package org.qdsr.testbed.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One {@code qdsr bench} invocation per client: N connections x M streams for S seconds (or R
 * requests), cycling through {@code paths} on {@code target} (host:port).
 */
public record BenchLoad(int connections, int streams, double seconds, long requests, List<String> paths,
        String target) {
    public BenchLoad {
        if (connections < 1 || streams < 1 || (seconds <= 0) == (requests <= 0) || paths.isEmpty()) {
            throw new IllegalArgumentException("bench load needs connections, streams, paths and one of "
                    + "seconds/requests");
        }
        paths = List.copyOf(paths);
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
        return new BenchLoad(connections, streams, seconds, requests, paths, hostPort);
    }

    /** {@code /bytes/N} for a synthetic RS. */
    public static String bytes(long n) {
        return "/bytes/" + n;
    }

    /** The bench arguments (after the jar). */
    public List<String> arguments() {
        List<String> a = new ArrayList<>(List.of("bench", "--json", "--insecure", "--timeout", "30",
                "-c", Integer.toString(connections), "-m", Integer.toString(streams)));
        if (seconds > 0) {
            a.addAll(List.of("-D", String.format(Locale.ROOT, "%.3f", seconds)));
        } else {
            a.addAll(List.of("-n", Long.toString(requests)));
        }
        paths.forEach(p -> a.add("https://" + target + p));
        return a;
    }

    /** Upper bound on how long the bench process may run. */
    public long timeoutSeconds() {
        return (long) (seconds > 0 ? seconds : 0) + 90;
    }
}
