package org.qdsr.app.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.qdsr.app.net.HostPort;
import org.qdsr.lb.routing.Policy;

/** Turns command-line flag values into the config records' types; errors name the flag. */
public final class Flags {
    private Flags() {
    }

    /** The {@code --config} file, which must exist (null when not given). */
    public static Path configFile(Path file) throws ConfigException {
        if (file != null && !java.nio.file.Files.isRegularFile(file)) {
            String problem = java.nio.file.Files.exists(file) ? "not a file: " : "no such file: ";
            throw new ConfigException("--config: " + problem + file);
        }
        return file;
    }

    public static HostPort hostPort(String flag, String text) throws ConfigException {
        if (text == null) {
            return null;
        }
        try {
            return HostPort.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(flag + ": " + e.getMessage());
        }
    }

    public static org.qdsr.lb.LoadBalancerCore.Mode mode(String text) throws ConfigException {
        return LbConfig.parseMode(text, null, "--mode");
    }

    /** {@code --retry always|never|N}: the Retry threshold (see {@link LbConfig#retryThreshold}). */
    public static Integer retry(String text) throws ConfigException {
        return LbConfig.parseRetry(text, null, "--retry");
    }

    public static String policy(String text) throws ConfigException {
        if (text != null) {
            try {
                Policy.parse(text);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("--policy: " + e.getMessage());
            }
        }
        return text;
    }

    /** {@code [NAME=]HOST:PORT[*WEIGHT]} each; unnamed backends are rs1, rs2, ... by position. */
    public static List<LbConfig.Backend> backends(List<String> specs) throws ConfigException {
        List<LbConfig.Backend> out = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            String s = specs.get(i);
            String name = "rs" + (i + 1);
            int eq = s.indexOf('=');
            if (eq > 0) {
                name = s.substring(0, eq);
                s = s.substring(eq + 1);
            }
            int weight = 1;
            int star = s.lastIndexOf('*');
            try {
                if (star > 0) {
                    weight = Integer.parseInt(s.substring(star + 1));
                    s = s.substring(0, star);
                }
                if (weight < 1) {
                    throw new IllegalArgumentException("weight must be at least 1");
                }
                out.add(new LbConfig.Backend(name, HostPort.parse(s), weight));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("--backend " + specs.get(i) + ": " + e.getMessage()
                        + " (expected [NAME=]HOST:PORT[*WEIGHT])");
            }
        }
        return out;
    }

    /** Null when no control flag was given (the file decides). */
    public static ControlTlsConfig control(HostPort listen, Path tlsDir, boolean insecure) {
        if (listen == null && tlsDir == null && !insecure) {
            return null;
        }
        return new ControlTlsConfig(listen, tlsDir, insecure ? Boolean.TRUE : null);
    }

    public static LogFormat logFormat(String text) throws ConfigException {
        try {
            return text == null ? null : LogFormat.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--log-format: " + e.getMessage());
        }
    }
}
