package org.qdsr.lb;

/** Counters of the load balancer core (read by the metrics endpoint; written on the loop thread). */
public final class LbMetrics {
    public long connections;
    public long handoffsIsolated;
    public long handoffsProxy;
    public long acksForwarded;
    public long proxyBytes;
    public long noBackend;
    public long streamsFailed;
    public long controlSendFailures;
    public long backendErrors;

    @Override
    public String toString() {
        return "connections=" + connections + " handoffs(isolated=" + handoffsIsolated + " proxy=" + handoffsProxy
                + ") acksForwarded=" + acksForwarded + " proxyBytes=" + proxyBytes + " noBackend=" + noBackend
                + " streamsFailed=" + streamsFailed + " controlSendFailures=" + controlSendFailures;
    }
}
