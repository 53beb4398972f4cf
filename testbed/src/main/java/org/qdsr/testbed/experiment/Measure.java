package org.qdsr.testbed.experiment;

import java.util.ArrayList;
import java.util.List;

/** Repeats a bench load {@code --runs} times and keeps the medians. */
final class Measure {
    private Measure() {}

    static BenchResult repeated(Cluster cluster, BenchLoad load, ExperimentOptions o) {
        List<BenchResult> runs = new ArrayList<>();
        for (int i = 0; i < o.runs(); i++) {
            runs.add(cluster.bench(load));
        }
        return BenchResult.median(runs);
    }
}
