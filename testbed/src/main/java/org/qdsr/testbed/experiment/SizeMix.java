package org.qdsr.testbed.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An object-size distribution ({@code 1k:50,10k:30,100k:15,1m:5}: size, weight) turned into a
 * list of {@code /bytes/N} paths in which each size appears as often as its weight, interleaved
 * (smooth weighted round robin), since {@code qdsr bench} cycles through its URLs in order.
 */
public record SizeMix(Map<Long, Integer> weights) {
    /** A web-like mix: many small objects, few large ones. */
    public static final String REALISTIC = "1k:50,10k:30,100k:15,1m:5";

    public static SizeMix parse(String spec) {
        Map<Long, Integer> w = new LinkedHashMap<>();
        for (String part : spec.split(",")) {
            String[] kv = part.strip().split(":");
            if (kv.length != 2) {
                throw new IllegalArgumentException("size mix entries are SIZE:WEIGHT: " + part);
            }
            w.put(bytes(kv[0]), Integer.parseInt(kv[1]));
        }
        return new SizeMix(w);
    }

    /** {@code 10k}, {@code 1m}, {@code 1500} as bytes (k = 1000, m = 1000000). */
    public static long bytes(String s) {
        String t = s.strip().toLowerCase();
        long mult = t.endsWith("k") ? 1000 : t.endsWith("m") ? 1_000_000 : 1;
        return Long.parseLong(mult == 1 ? t : t.substring(0, t.length() - 1)) * mult;
    }

    /** The paths, each size repeated by its weight, interleaved. */
    public List<String> paths() {
        List<Long> sizes = new ArrayList<>(weights.keySet());
        int total = weights.values().stream().mapToInt(Integer::intValue).sum();
        long[] current = new long[sizes.size()];
        List<String> out = new ArrayList<>();
        for (int k = 0; k < total; k++) {
            int best = 0;
            for (int i = 0; i < sizes.size(); i++) {
                current[i] += weights.get(sizes.get(i));
                if (current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= total;
            out.add(BenchLoad.bytes(sizes.get(best)));
        }
        return out;
    }

    /** Mean object size in bytes. */
    public double meanBytes() {
        int total = weights.values().stream().mapToInt(Integer::intValue).sum();
        return weights.entrySet().stream().mapToDouble(e -> e.getKey() * (double) e.getValue()).sum() / total;
    }
}
