package org.qdsr.testbed.experiment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * What an experiment leaves in its results folder: {@code NAME.csv} (the main table),
 * {@code NAME.png} (the chart) and {@code NAME.md} (settings, the tables, notes).
 */
public final class Report {
    private final String name;
    private final String title;
    private final List<String> sections = new ArrayList<>();
    private Table data;
    private Chart chart;

    public Report(String name, String title) {
        this.name = name;
        this.title = title;
    }

    /** The main table: goes to NAME.csv and into the markdown. */
    public Report data(Table table) {
        this.data = table;
        return this;
    }

    public Report chart(Chart c) {
        this.chart = c;
        return this;
    }

    /** A paragraph of markdown (settings, notes). */
    public Report paragraph(String markdown) {
        sections.add(markdown.strip() + "\n");
        return this;
    }

    /** An extra table with a heading (e.g. the isolated/proxy ratios). */
    public Report table(String heading, Table t) {
        sections.add("### " + heading + "\n\n" + t.markdown());
        return this;
    }

    /** Writes the three files into {@code dir}; returns the markdown path. */
    public Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(name + ".csv"), data.csv());
        chart.writePng(dir.resolve(name + ".png"));
        StringBuilder md = new StringBuilder("# " + title + "\n\n");
        md.append("Run ").append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME.withZone(
                java.time.ZoneOffset.UTC))).append(" on ").append(Runtime.getRuntime().availableProcessors())
                .append(" CPUs, kernel ").append(System.getProperty("os.version")).append(".\n\n");
        md.append("![").append(name).append("](").append(name).append(".png)\n\n");
        md.append("### Results\n\n").append(data.markdown()).append('\n');
        sections.forEach(s -> md.append(s).append('\n'));
        Path file = dir.resolve(name + ".md");
        Files.writeString(file, md.toString());
        return file;
    }
}
