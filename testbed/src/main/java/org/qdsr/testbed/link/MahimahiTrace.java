package org.qdsr.testbed.link;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A Mahimahi packet-delivery trace: each line is a millisecond offset (non-decreasing integers)
 * at which the link can deliver one {@link #MTU}-byte packet; a millisecond that carries several
 * packets is repeated. The trace repeats forever with a period equal to its last timestamp, as
 * Mahimahi's {@code mm-link} does. Immutable.
 */
public final class MahimahiTrace {
    /** Bytes one delivery opportunity carries. */
    public static final int MTU = 1500;

    private final long[] millis;
    private final String name;

    private MahimahiTrace(long[] millis, String name) {
        this.millis = millis;
        this.name = name;
    }

    /** Reads a trace file. */
    public static MahimahiTrace load(Path file) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
            return parse(r, file.getFileName().toString());
        }
    }

    /** Parses trace text (for tests and inline traces). */
    public static MahimahiTrace parse(String text) {
        try {
            return parse(new StringReader(text), "inline");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Parses trace lines; blank lines are skipped.
     *
     * @throws IllegalArgumentException on a non-integer, negative or decreasing line, an empty
     *                                  trace, or a trace whose last timestamp is 0 (no period)
     */
    public static MahimahiTrace parse(Reader in, String name) throws IOException {
        BufferedReader r = in instanceof BufferedReader b ? b : new BufferedReader(in);
        long[] values = new long[1024];
        int n = 0;
        int lineNo = 0;
        for (String line = r.readLine(); line != null; line = r.readLine()) {
            lineNo++;
            String s = line.strip();
            if (s.isEmpty()) {
                continue;
            }
            long v = parseLine(s, name, lineNo);
            if (n > 0 && v < values[n - 1]) {
                throw new IllegalArgumentException(name + ":" + lineNo + ": timestamps must not decrease: " + s);
            }
            if (n == values.length) {
                values = Arrays.copyOf(values, n * 2);
            }
            values[n++] = v;
        }
        if (n == 0) {
            throw new IllegalArgumentException(name + ": empty trace");
        }
        if (values[n - 1] <= 0) {
            throw new IllegalArgumentException(name + ": last timestamp must be positive (it is the period)");
        }
        return new MahimahiTrace(Arrays.copyOf(values, n), name);
    }

    private static long parseLine(String s, String name, int lineNo) {
        try {
            long v = Long.parseLong(s);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ":" + lineNo + ": not a non-negative integer: " + s);
        }
    }

    /** The file name or "inline". */
    public String name() {
        return name;
    }

    /** Delivery opportunities in one period. */
    public int size() {
        return millis.length;
    }

    /** The repeat period in milliseconds (the last timestamp). */
    public long periodMillis() {
        return millis[millis.length - 1];
    }

    /** The time of opportunity {@code index} (0-based, counting across repeats), in ms from the start. */
    public long opportunityMillis(long index) {
        long cycle = index / millis.length;
        return cycle * periodMillis() + millis[(int) (index % millis.length)];
    }

    /** The index of the first opportunity at or after {@code atMillis} (ms from the start, ≥ 0). */
    public long firstOpportunityAtOrAfter(long atMillis) {
        long cycle = atMillis / periodMillis();
        long within = atMillis - cycle * periodMillis();
        int i = Arrays.binarySearch(millis, within);
        if (i < 0) {
            i = -i - 1;
        } else {
            while (i > 0 && millis[i - 1] == within) {
                i--;
            }
        }
        long index = cycle * millis.length + i;
        while (index > 0 && opportunityMillis(index - 1) >= atMillis) {
            index--; // the previous period's last line can share this period's first millisecond
        }
        return index;
    }

    /** The long-run average capacity in bits per second. */
    public double meanBitsPerSecond() {
        return millis.length * (double) MTU * 8 * 1000 / periodMillis();
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%s (%d opportunities, %d ms, %.2f Mbit/s)", name, size(),
                periodMillis(), meanBitsPerSecond() / 1e6);
    }
}
