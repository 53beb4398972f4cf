package org.qdsr.testbed.experiment;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * A small PNG chart drawn with java.awt in headless mode: lines (numeric x) or grouped bars
 * (categories), with axes, ticks, a legend and a title. No dependency beyond the JDK.
 */
public final class Chart {
    private static final int W = 900;
    private static final int H = 540;
    private static final int LEFT = 90;
    private static final int RIGHT = 190;
    private static final int TOP = 50;
    private static final int BOTTOM = 70;
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
            new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b), new Color(0x17becf), new Color(0x7f7f7f)};

    /** One named series: y values for the x values (line) or for the categories (bars), in order. */
    public record Series(String name, List<Double> x, List<Double> y) {
        public Series {
            if (x.size() != y.size()) {
                throw new IllegalArgumentException("x and y differ in length for " + name);
            }
            x = List.copyOf(x);
            y = List.copyOf(y);
        }
    }

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final Map<String, Series> series = new LinkedHashMap<>();
    private List<String> categories;

    private Chart(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    /** A line chart over numeric x. */
    public static Chart lines(String title, String xLabel, String yLabel) {
        return new Chart(title, xLabel, yLabel);
    }

    /** A grouped bar chart: one group per category, one bar per series. */
    public static Chart bars(String title, List<String> categories, String yLabel) {
        Chart c = new Chart(title, "", yLabel);
        c.categories = List.copyOf(categories);
        return c;
    }

    /** Adds a point to the named series (for bars, x is the category index). */
    public Chart point(String seriesName, double x, double y) {
        Series old = series.get(seriesName);
        List<Double> xs = new ArrayList<>(old == null ? List.of() : old.x());
        List<Double> ys = new ArrayList<>(old == null ? List.of() : old.y());
        xs.add(x);
        ys.add(y);
        series.put(seriesName, new Series(seriesName, xs, ys));
        return this;
    }

    /** Renders the chart to a PNG file. */
    public void writePng(Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, W, H);
            draw(g);
        } finally {
            g.dispose();
        }
        if (!ImageIO.write(img, "png", file.toFile())) {
            throw new IOException("no PNG writer");
        }
    }

    private void draw(Graphics2D g) {
        double xMin = categories != null ? -0.5 : series.values().stream().flatMap(s -> s.x().stream())
                .mapToDouble(Double::doubleValue).min().orElse(0);
        double xMax = categories != null ? categories.size() - 0.5 : series.values().stream()
                .flatMap(s -> s.x().stream()).mapToDouble(Double::doubleValue).max().orElse(1);
        if (xMax <= xMin) {
            xMax = xMin + 1;
        }
        double yMax = niceCeiling(series.values().stream().flatMap(s -> s.y().stream())
                .mapToDouble(Double::doubleValue).max().orElse(1));
        Axes axes = new Axes(xMin, xMax, yMax);
        drawFrame(g, axes);
        if (categories != null) {
            drawBars(g, axes);
        } else {
            drawLines(g, axes);
        }
        drawLegend(g);
    }

    /** Maps data coordinates to pixels. */
    private record Axes(double xMin, double xMax, double yMax) {
        int px(double x) {
            return LEFT + (int) Math.round((x - xMin) / (xMax - xMin) * (W - LEFT - RIGHT));
        }

        int py(double y) {
            return H - BOTTOM - (int) Math.round(y / yMax * (H - TOP - BOTTOM));
        }
    }

    private void drawFrame(Graphics2D g, Axes a) {
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        centered(g, title, (LEFT + W - RIGHT) / 2, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        for (int i = 0; i <= 5; i++) {
            double y = a.yMax() * i / 5;
            int py = a.py(y);
            g.setColor(new Color(0xe0e0e0));
            g.drawLine(LEFT, py, W - RIGHT, py);
            g.setColor(Color.BLACK);
            String label = format(y);
            g.drawString(label, LEFT - 8 - g.getFontMetrics().stringWidth(label), py + 5);
        }
        if (categories != null) {
            for (int i = 0; i < categories.size(); i++) {
                centered(g, categories.get(i), a.px(i), H - BOTTOM + 20);
            }
        } else {
            for (double x : xTicks(a)) {
                g.drawLine(a.px(x), H - BOTTOM, a.px(x), H - BOTTOM + 5);
                centered(g, format(x), a.px(x), H - BOTTOM + 20);
            }
        }
        g.drawLine(LEFT, TOP, LEFT, H - BOTTOM);
        g.drawLine(LEFT, H - BOTTOM, W - RIGHT, H - BOTTOM);
        centered(g, xLabel, (LEFT + W - RIGHT) / 2, H - 20);
        Graphics2D rotated = (Graphics2D) g.create();
        rotated.rotate(-Math.PI / 2);
        centered(rotated, yLabel, -(TOP + H - BOTTOM) / 2, 22);
        rotated.dispose();
    }

    private List<Double> xTicks(Axes a) {
        List<Double> distinct = series.values().stream().flatMap(s -> s.x().stream()).distinct().sorted().toList();
        if (distinct.size() <= 12) {
            return distinct;
        }
        List<Double> ticks = new ArrayList<>();
        for (int i = 0; i <= 6; i++) {
            ticks.add(a.xMin() + (a.xMax() - a.xMin()) * i / 6);
        }
        return ticks;
    }

    private void drawLines(Graphics2D g, Axes a) {
        int i = 0;
        for (Series s : series.values()) {
            g.setColor(PALETTE[i++ % PALETTE.length]);
            g.setStroke(new BasicStroke(2.5f));
            for (int k = 0; k < s.x().size(); k++) {
                int x = a.px(s.x().get(k));
                int y = a.py(s.y().get(k));
                g.fillOval(x - 4, y - 4, 8, 8);
                if (k > 0) {
                    g.drawLine(a.px(s.x().get(k - 1)), a.py(s.y().get(k - 1)), x, y);
                }
            }
        }
        g.setStroke(new BasicStroke(1f));
    }

    private void drawBars(Graphics2D g, Axes a) {
        int n = Math.max(series.size(), 1);
        double groupWidth = (a.px(1) - a.px(0)) * 0.8;
        int barWidth = (int) Math.max(2, groupWidth / n);
        int i = 0;
        for (Series s : series.values()) {
            g.setColor(PALETTE[i % PALETTE.length]);
            for (int k = 0; k < s.x().size(); k++) {
                int left = (int) (a.px(s.x().get(k)) - groupWidth / 2 + i * barWidth);
                int top = a.py(s.y().get(k));
                g.fillRect(left, top, barWidth - 2, H - BOTTOM - top);
            }
            i++;
        }
    }

    private void drawLegend(Graphics2D g) {
        int y = TOP + 10;
        int i = 0;
        for (String name : series.keySet()) {
            g.setColor(PALETTE[i++ % PALETTE.length]);
            g.fillRect(W - RIGHT + 20, y - 10, 14, 14);
            g.setColor(Color.BLACK);
            g.drawString(name, W - RIGHT + 40, y + 2);
            y += 22;
        }
    }

    private static void centered(Graphics2D g, String text, int x, int y) {
        FontMetrics fm = g.getFontMetrics();
        g.drawString(text, x - fm.stringWidth(text) / 2, y);
    }

    /** The smallest 1, 2 or 5 times a power of ten at or above {@code v} (v > 0). */
    static double niceCeiling(double v) {
        if (v <= 0) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static String format(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, Math.abs(v) < 10 ? "%.2f" : "%.1f", v);
    }
}
