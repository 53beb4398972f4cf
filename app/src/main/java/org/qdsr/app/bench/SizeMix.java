package org.qdsr.app.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An object-size distribution for {@code qdsr bench --sizes}: {@code SIZE:WEIGHT,...}, e.g.
 * {@code 1k:50,10k:30,100k:15,1m:5}. Sizes are bytes with an optional decimal suffix
 * {@code k} (10^3), {@code m} (10^6), {@code g} (10^9) or binary {@code ki}, {@code mi}, {@code gi};
 * weights are positive integers (relative). Which size request n gets depends only on the seed
 * and n ({@link #sizeFor}), so runs are reproducible whatever order requests complete in.
 */
public record SizeMix(List<Entry> entries, long totalWeight) {
    /** One size and its weight. */
    public record Entry(long bytes, long weight) {
    }

    public SizeMix {
        entries = List.copyOf(entries);
    }

    /** @throws IllegalArgumentException with a message fit for a usage error */
    public static SizeMix parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("--sizes: empty");
        }
        List<Entry> entries = new ArrayList<>();
        long total = 0;
        for (String part : spec.split(",", -1)) {
            String[] sw = part.strip().split(":", -1);
            if (sw.length != 2) {
                throw new IllegalArgumentException("--sizes: expected SIZE:WEIGHT, got '" + part.strip() + "'");
            }
            long bytes = parseSize(sw[0].strip());
            long weight = parseWeight(sw[1].strip());
            entries.add(new Entry(bytes, weight));
            total = Math.addExact(total, weight);
        }
        return new SizeMix(entries, total);
    }

    /** {@code 1500}, {@code 1k} = 1000, {@code 1ki} = 1024, {@code 2m}, {@code 1gi}, ... */
    public static long parseSize(String s) {
        String t = s.toLowerCase(Locale.ROOT);
        long unit = 1;
        int cut = t.length();
        if (t.endsWith("ki") || t.endsWith("mi") || t.endsWith("gi")) {
            unit = 1L << (10 * (1 + "kmg".indexOf(t.charAt(t.length() - 2))));
            cut -= 2;
        } else if (t.endsWith("k") || t.endsWith("m") || t.endsWith("g")) {
            unit = (long) Math.pow(1000, 1 + "kmg".indexOf(t.charAt(t.length() - 1)));
            cut -= 1;
        }
        try {
            long v = Long.parseLong(t.substring(0, cut));
            if (v < 0) {
                throw new NumberFormatException();
            }
            return Math.multiplyExact(v, unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("--sizes: not a size: '" + s + "' (e.g. 1500, 10k, 1m, 64ki)");
        }
    }

    private static long parseWeight(String s) {
        try {
            long w = Long.parseLong(s);
            if (w > 0) {
                return w;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("--sizes: weight must be a positive integer: '" + s + "'");
    }

    /** The size of request {@code n} (0-based) for {@code seed}: a weighted draw from a hash of both. */
    public long sizeFor(long n, long seed) {
        long r = Long.remainderUnsigned(mix(seed + mix(n)), totalWeight);
        for (Entry e : entries) {
            r -= e.weight();
            if (r < 0) {
                return e.bytes();
            }
        }
        throw new IllegalStateException("weights do not add up");
    }

    /** Mean object size in bytes (weighted). */
    public double meanBytes() {
        double sum = 0;
        for (Entry e : entries) {
            sum += (double) e.bytes() * e.weight();
        }
        return sum / totalWeight;
    }

    /** SplitMix64's finalizer: a well-spread 64-bit hash. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
