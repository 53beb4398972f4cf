package org.qdsr.testbed.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An emulated client path: round-trip delay added, random loss (percent, each direction) and an
 * optional Mahimahi trace name ({@code Verizon-LTE-short} = {@code .down}/{@code .up} files).
 * {@link #DIRECT} is the plain veth path (no emulator).
 */
public record LinkPath(String name, int rttMs, double lossPercent, String trace) {
    public static final LinkPath DIRECT = new LinkPath("direct", 0, 0, null);

    public boolean direct() {
        return rttMs == 0 && lossPercent == 0 && trace == null;
    }

    public static LinkPath of(int rttMs, double lossPercent) {
        String n = String.format(Locale.ROOT, lossPercent > 0 ? "rtt%d-loss%.0f" : "rtt%d", rttMs, lossPercent);
        return new LinkPath(n, rttMs, lossPercent, null);
    }

    public static LinkPath trace(String trace, int rttMs) {
        return new LinkPath(trace, rttMs, 0, trace);
    }

    /** Direct, RTT 20/50/100 ms with 0% and 1% loss, and the three cellular traces at 50 ms RTT. */
    public static List<LinkPath> fullSet() {
        List<LinkPath> paths = new ArrayList<>(List.of(DIRECT));
        for (int rtt : new int[] {20, 50, 100}) {
            paths.add(of(rtt, 0));
            paths.add(of(rtt, 1));
        }
        for (String t : List.of("Verizon-LTE-short", "TMobile-LTE-short", "ATT-LTE-driving-2016")) {
            paths.add(trace(t, 50));
        }
        return paths;
    }
}
