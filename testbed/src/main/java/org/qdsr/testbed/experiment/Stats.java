package org.qdsr.testbed.experiment;

import java.util.Arrays;

/** Small statistics helpers for repeated runs. */
public final class Stats {
    private Stats() {}

    /** The median (mean of the middle two for an even count); 0 for no values. */
    public static double median(double[] values) {
        if (values.length == 0) {
            return 0;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        int mid = v.length / 2;
        return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
    }

    /** {@code a / b}, or 0 when {@code b} is 0. */
    public static double ratio(double a, double b) {
        return b == 0 ? 0 : a / b;
    }
}
