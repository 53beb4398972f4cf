package org.qdsr.testbed;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The runnable {@code qdsr.jar} and the java binary to run it with, for processes started in
 * namespaces. The jar is {@code -Dqdsr.jar=PATH} if set, else {@code app/target/qdsr.jar} found from
 * the working directory or its parent (a module directory during {@code mvn verify}).
 */
public record QdsrJar(Path java, Path jar) {
    /** Locates the jar; fails with a message saying how to build it. */
    public static QdsrJar locate() {
        Path jar = findJar();
        Path java = Path.of(System.getProperty("qdsr.java",
                ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin",
                        "java").toString())));
        return new QdsrJar(java, jar);
    }

    private static Path findJar() {
        String configured = System.getProperty("qdsr.jar");
        if (configured != null) {
            Path p = Path.of(configured).toAbsolutePath();
            if (!Files.isRegularFile(p)) {
                throw new TestbedException("-Dqdsr.jar=" + p + " does not exist");
            }
            return p;
        }
        Path cwd = Path.of("").toAbsolutePath();
        for (Path dir = cwd; dir != null; dir = dir.getParent()) {
            Path p = dir.resolve("app/target/qdsr.jar");
            if (Files.isRegularFile(p)) {
                return p;
            }
            if (Files.isRegularFile(dir.resolve("app/pom.xml"))) {
                break;
            }
        }
        throw new TestbedException("app/target/qdsr.jar not found from " + cwd
                + ": run 'mvn -B package -DskipTests' (or 'mvn -B verify -pl testbed -am') first");
    }

    /**
     * JVM options of the servers ({@code lb}, {@code rs}), the same as {@code bin/qdsr} gives them:
     * compile hot code ten times sooner than the default thresholds, since a DSR load balancer runs
     * its per-packet code only a few thousand times a second (docs/operations.md, "JVM options").
     */
    public static final List<String> SERVER_JVM_OPTIONS = List.of("-XX:CompileThresholdScaling=0.1", "-Xms1g",
            "-XX:+AlwaysPreTouch");

    /** {@code java [SERVER_JVM_OPTIONS] -jar qdsr.jar args...} (the options for {@code lb} and {@code rs}). */
    public List<String> command(String... args) {
        List<String> c = new ArrayList<>(List.of(java.toString()));
        if (args.length > 0 && (args[0].equals("lb") || args[0].equals("rs"))) {
            c.addAll(SERVER_JVM_OPTIONS);
        }
        c.addAll(List.of("-jar", jar.toString()));
        c.addAll(List.of(args));
        return c;
    }
}
