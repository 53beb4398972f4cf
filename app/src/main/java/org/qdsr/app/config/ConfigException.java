package org.qdsr.app.config;

/**
 * A configuration file (or the flags merged over it) is invalid. The message names the file and
 * the field, e.g. {@code lb.yaml: backends[1].weight: must be at least 1, got 0}.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    /** {@code SOURCE: FIELD: PROBLEM}, or {@code FIELD: PROBLEM} when the values came from flags alone (source ""). */
    static ConfigException at(String source, String field, String problem) {
        return new ConfigException((source.isEmpty() ? "" : source + ": ") + field + ": " + problem);
    }
}
