package org.qdsr.testbed.experiment;

/** One testbed experiment: builds its own cluster, measures, returns the report to write. */
public interface Experiment {
    /** The name on the command line and of the output files. */
    String name();

    /** One line for {@code --help}. */
    String description();

    /** Runs the experiment; the cluster it builds is torn down before this returns or throws. */
    Report run(ExperimentOptions options) throws Exception;
}
