package org.qdsr.app.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.Map;
import org.qdsr.io.UdpCounters;

/** The socket counters of one event loop under a prefix (e.g. {@code qdsr_server} for {@code qdsr server}). */
public final class UdpCollector implements MultiCollector {
    private final String prefix;
    private final UdpCounters counters;

    public UdpCollector(String prefix, UdpCounters counters) {
        this.prefix = prefix;
        this.counters = counters;
    }

    @Override
    public MetricSnapshots collect() {
        Families f = new Families();
        Map<String, Long> errors = Families.ordered();
        f.udp(prefix, "UDP socket", counters, errors);
        f.counter(prefix + "_errors", "errors by kind", "kind", errors);
        return f.build();
    }
}
