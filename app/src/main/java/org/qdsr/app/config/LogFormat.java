package org.qdsr.app.config;

import java.util.Locale;

/** How log records are written: one {@code key=value} line or one JSON object per event. */
public enum LogFormat {
    TEXT, JSON;

    /** Parses {@code text} or {@code json}. */
    public static LogFormat parse(String text) {
        try {
            return valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown log format '" + text + "' (text, json)");
        }
    }

    static LogFormat read(YamlNode node, String key) throws ConfigException {
        String s = node.string(key);
        if (s == null) {
            return null;
        }
        try {
            return parse(s);
        } catch (IllegalArgumentException e) {
            throw node.error(key, e.getMessage());
        }
    }
}
