package org.qdsr.testbed.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A table of results: one header, rows of cells; renders as CSV and as a markdown table. */
public final class Table {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    public Table(String... header) {
        this.header = List.of(header);
    }

    /** Adds a row; numbers are formatted with up to 3 decimals, others with toString. */
    public Table row(Object... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, header " + header.size());
        }
        List<String> r = new ArrayList<>();
        for (Object c : cells) {
            r.add(cell(c));
        }
        rows.add(r);
        return this;
    }

    public List<String> header() {
        return header;
    }

    public List<List<String>> rows() {
        return List.copyOf(rows);
    }

    static String cell(Object c) {
        if (c instanceof Double d) {
            return Math.abs(d) >= 100 ? String.format(Locale.ROOT, "%.1f", d) : String.format(Locale.ROOT, "%.3f", d);
        }
        return String.valueOf(c);
    }

    public String csv() {
        StringBuilder b = new StringBuilder(String.join(",", header)).append('\n');
        rows.forEach(r -> b.append(String.join(",", r)).append('\n'));
        return b.toString();
    }

    public String markdown() {
        StringBuilder b = new StringBuilder("| ").append(String.join(" | ", header)).append(" |\n|");
        header.forEach(h -> b.append("---|"));
        b.append('\n');
        rows.forEach(r -> b.append("| ").append(String.join(" | ", r)).append(" |\n"));
        return b.toString();
    }
}
