package org.qdsr.testbed.experiment;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The experiments by name, and running one into a results folder. */
public final class Experiments {
    private Experiments() {}

    /** Every experiment, in the order the docs list them. */
    public static Map<String, Experiment> all() {
        Map<String, Experiment> m = new LinkedHashMap<>();
        for (Experiment e : List.of(new LbBottleneck(), new Capacity(), new Latency(), new LbCpu())) {
            m.put(e.name(), e);
        }
        return m;
    }

    /** {@code results/DATE-NAME} under the working directory. */
    public static Path defaultOut(String name) {
        return Path.of("results", LocalDate.now() + "-" + name);
    }

    /**
     * Runs {@code name} with its cluster's logs under {@code out/logs}; writes NAME.csv, NAME.png and
     * NAME.md into {@code out}. Returns the markdown file.
     */
    public static Path run(String name, Path out, ExperimentOptions options) throws Exception {
        Experiment e = all().get(name);
        if (e == null) {
            throw new IllegalArgumentException("unknown experiment " + name + "; known: " + all().keySet());
        }
        Report report = e.run(options);
        return report.write(out);
    }
}
