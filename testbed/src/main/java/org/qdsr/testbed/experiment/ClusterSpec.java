package org.qdsr.testbed.experiment;

/**
 * What {@link Cluster} builds: the multi-host DSR topology and its limits.
 *
 * @param realServers RS hosts rs1..rsN (1..60)
 * @param clients client hosts client1..clientC (1..8)
 * @param lbCpu CPU cap of the LB process in cores (0: none)
 * @param lbRateMbit tbf rate limit of the LB's egress in Mbit/s (0: none)
 * @param rsRateMbit tbf rate limit of every RS's egress in Mbit/s (0: none)
 * @param mode the LB's {@code --mode}: auto, isolated, instructed or proxy
 */
public record ClusterSpec(int realServers, int clients, double lbCpu, int lbRateMbit, int rsRateMbit, String mode) {
    public ClusterSpec {
        if (realServers < 1 || realServers > 60) {
            throw new IllegalArgumentException("--rs must be 1..60: " + realServers);
        }
        if (clients < 1 || clients > 8) {
            throw new IllegalArgumentException("--clients must be 1..8: " + clients);
        }
        if (lbCpu < 0 || lbRateMbit < 0 || rsRateMbit < 0) {
            throw new IllegalArgumentException("limits must not be negative");
        }
        if (!mode.matches("auto|isolated|instructed|proxy")) {
            throw new IllegalArgumentException("--mode must be auto|isolated|instructed|proxy: " + mode);
        }
    }

    /** Two RSs, one client, no limits, mode auto. */
    public static ClusterSpec defaults() {
        return new ClusterSpec(2, 1, 0, 0, 0, "auto");
    }

    public ClusterSpec withRealServers(int n) {
        return new ClusterSpec(n, clients, lbCpu, lbRateMbit, rsRateMbit, mode);
    }

    public ClusterSpec withMode(String m) {
        return new ClusterSpec(realServers, clients, lbCpu, lbRateMbit, rsRateMbit, m);
    }

    public ClusterSpec withLbCpu(double cores) {
        return new ClusterSpec(realServers, clients, cores, lbRateMbit, rsRateMbit, mode);
    }

    public ClusterSpec withLbRate(int mbit) {
        return new ClusterSpec(realServers, clients, lbCpu, mbit, rsRateMbit, mode);
    }
}
