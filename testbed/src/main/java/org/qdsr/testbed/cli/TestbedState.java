package org.qdsr.testbed.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What {@code qdsr testbed up} leaves running, as a JSON file (default
 * {@code /run/qdsr-testbed/state.json}) that {@code down} reads to tear it all down.
 *
 * @param namespaces network namespaces, switch first
 * @param pids process ids of the LB and RS processes
 * @param cgroups cgroup directories (the LB's CPU cap)
 * @param lbPid the LB's process id
 * @param workDir logs and certificates
 */
public record TestbedState(List<String> namespaces, List<Long> pids, List<String> cgroups, long lbPid,
        String workDir) {
    public static final Path DEFAULT = Path.of("/run/qdsr-testbed/state.json");

    public TestbedState {
        namespaces = List.copyOf(namespaces);
        pids = List.copyOf(pids);
        cgroups = List.copyOf(cgroups);
    }

    public String toJson() {
        return "{\n  \"namespaces\": " + strings(namespaces) + ",\n  \"pids\": "
                + pids.stream().map(String::valueOf).collect(Collectors.joining(", ", "[", "]"))
                + ",\n  \"cgroups\": " + strings(cgroups) + ",\n  \"lb_pid\": " + lbPid + ",\n  \"work_dir\": \""
                + escape(workDir) + "\"\n}\n";
    }

    public void write(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, toJson());
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** Parses what {@link #toJson()} wrote. */
    public static TestbedState parse(String json) {
        List<Long> pids = new ArrayList<>();
        for (String s : array(json, "pids")) {
            pids.add(Long.parseLong(s.strip()));
        }
        List<String> ns = array(json, "namespaces").stream().map(TestbedState::unquote).toList();
        List<String> cg = array(json, "cgroups").stream().map(TestbedState::unquote).toList();
        Matcher lb = Pattern.compile("\"lb_pid\"\\s*:\\s*(\\d+)").matcher(json);
        Matcher wd = Pattern.compile("\"work_dir\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        return new TestbedState(ns, pids, cg, lb.find() ? Long.parseLong(lb.group(1)) : 0,
                wd.find() ? wd.group(1) : "");
    }

    public static TestbedState read(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    private static List<String> array(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\"\\s*:\\s*\\[([^\\]]*)\\]").matcher(json);
        if (!m.find()) {
            throw new IllegalArgumentException("state file lacks " + key);
        }
        List<String> out = new ArrayList<>();
        for (String s : m.group(1).split(",")) {
            if (!s.isBlank()) {
                out.add(s.strip());
            }
        }
        return out;
    }

    private static String strings(List<String> values) {
        return values.stream().map(v -> "\"" + escape(v) + "\"").collect(Collectors.joining(", ", "[", "]"));
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static String unquote(String s) {
        String t = s.strip();
        return t.startsWith("\"") && t.endsWith("\"") ? t.substring(1, t.length() - 1).replace("\\\"", "\"")
                .replace("\\\\", "\\") : t;
    }
}
