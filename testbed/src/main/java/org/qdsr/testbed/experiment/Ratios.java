package org.qdsr.testbed.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToDoubleBiFunction;

/**
 * Ratio tables with the modes side by side: one row per measured point (its key cells first), then
 * for every metric one column per non-baseline mode, {@code METRIC MODE/BASE} (e.g. {@code goodput
 * isolated/proxy | goodput instructed/proxy}). The baseline is the first mode of the run.
 *
 * @param <P> a measured point (number of RSs, a path and size, ...)
 */
final class Ratios<P> {
    /** A metric of one mode at one point. */
    record Metric<P>(String name, ToDoubleBiFunction<String, P> value) {
    }

    private final List<String> keyColumns;
    private final Function<P, List<Object>> keys;
    private final List<Metric<P>> metrics = new ArrayList<>();

    Ratios(List<String> keyColumns, Function<P, List<Object>> keys) {
        this.keyColumns = List.copyOf(keyColumns);
        this.keys = keys;
    }

    Ratios<P> metric(String name, ToDoubleBiFunction<String, P> value) {
        metrics.add(new Metric<>(name, value));
        return this;
    }

    /** The table for {@code points}; {@code modes.get(0)} is the baseline. */
    Table table(List<P> points, List<String> modes) {
        String base = modes.get(0);
        List<String> others = modes.subList(1, modes.size());
        List<String> header = new ArrayList<>(keyColumns);
        for (Metric<P> m : metrics) {
            others.forEach(mode -> header.add(m.name() + " " + mode + "/" + base));
        }
        Table t = new Table(header.toArray(String[]::new));
        for (P p : points) {
            List<Object> cells = new ArrayList<>(keys.apply(p));
            for (Metric<P> m : metrics) {
                double b = m.value().applyAsDouble(base, p);
                others.forEach(mode -> cells.add(Stats.ratio(m.value().applyAsDouble(mode, p), b)));
            }
            t.row(cells.toArray());
        }
        return t;
    }

    /** The heading of a ratio table: which ratios, to which baseline. */
    static String heading(List<String> modes) {
        List<String> r = modes.subList(1, modes.size()).stream().map(m -> m + "/" + modes.get(0)).toList();
        return "Ratios " + String.join(" and ", r) + " (same run)";
    }
}
