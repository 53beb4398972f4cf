package org.qdsr.testbed.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Minimal {@code --name value} / {@code --flag} parsing for the testbed command (no dependency). */
final class Args {
    /** A command-line mistake: exit code 2 with this message. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    private final List<String> positional = new ArrayList<>();
    private final Map<String, String> options = new HashMap<>();
    private final Set<String> flags;

    private Args(Set<String> flags) {
        this.flags = flags;
    }

    /** Parses {@code args}; names in {@code flags} take no value, names in {@code valued} take one. */
    static Args parse(List<String> args, Set<String> flags, Set<String> valued) {
        Args a = new Args(flags);
        for (int i = 0; i < args.size(); i++) {
            String s = args.get(i);
            if (!s.startsWith("--")) {
                a.positional.add(s);
            } else if (flags.contains(s)) {
                a.options.put(s, "true");
            } else if (valued.contains(s)) {
                if (i + 1 >= args.size()) {
                    throw new UsageException(s + " needs a value");
                }
                a.options.put(s, args.get(++i));
            } else {
                throw new UsageException("unknown option " + s);
            }
        }
        return a;
    }

    List<String> positional() {
        return List.copyOf(positional);
    }

    boolean flag(String name) {
        return flags.contains(name) && options.containsKey(name);
    }

    String string(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    boolean has(String name) {
        return options.containsKey(name);
    }

    int integer(String name, int fallback) {
        String v = options.get(name);
        try {
            return v == null ? fallback : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new UsageException(name + " needs an integer: " + v);
        }
    }

    double number(String name, double fallback) {
        String v = options.get(name);
        try {
            return v == null ? fallback : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new UsageException(name + " needs a number: " + v);
        }
    }
}
