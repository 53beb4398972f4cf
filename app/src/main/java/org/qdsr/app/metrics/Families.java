package org.qdsr.app.metrics;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.qdsr.io.UdpCounters;

/**
 * Collects metric families for one scrape. Counter names are given without {@code _total}
 * (the text format appends it); a family with several label values is one call with a map.
 */
final class Families {
    private final List<MetricSnapshot> snapshots = new ArrayList<>();

    void counter(String name, String help, double value) {
        counter(name, help, null, Map.of("", value));
    }

    /** One counter family whose data points differ by {@code label}. */
    void counter(String name, String help, String label, Map<String, ? extends Number> byLabel) {
        CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
        for (Map.Entry<String, ? extends Number> e : byLabel.entrySet()) {
            b.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels(label, e.getKey()))
                    .value(e.getValue().doubleValue()).build());
        }
        snapshots.add(b.build());
    }

    void gauge(String name, String help, double value) {
        gauge(name, help, null, Map.of("", value));
    }

    void gauge(String name, String help, String label, Map<String, ? extends Number> byLabel) {
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
        for (Map.Entry<String, ? extends Number> e : byLabel.entrySet()) {
            b.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels(label, e.getKey()))
                    .value(e.getValue().doubleValue()).build());
        }
        snapshots.add(b.build());
    }

    private static Labels labels(String label, String value) {
        return label == null ? Labels.EMPTY : Labels.of(label, value);
    }

    /** Bytes and datagrams of one event loop's sockets, and its I/O errors by kind. */
    void udp(String prefix, String socket, UdpCounters c, Map<String, Long> errors) {
        counter(prefix + "_sent_bytes", "UDP payload bytes sent on the " + socket, c.bytesOut());
        counter(prefix + "_received_bytes", "UDP payload bytes received on the " + socket, c.bytesIn());
        counter(prefix + "_sent_datagrams", "datagrams sent on the " + socket, c.datagramsOut());
        counter(prefix + "_received_datagrams", "datagrams received on the " + socket, c.datagramsIn());
        errors.put("udp_send", c.sendFailures());
        errors.put("udp_receive", c.receiveFailures());
        errors.put("endpoint_exception", c.endpointExceptions());
    }

    static Map<String, Long> ordered() {
        return new LinkedHashMap<>();
    }

    MetricSnapshots build() {
        return new MetricSnapshots(snapshots);
    }
}
