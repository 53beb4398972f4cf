package org.qdsr.app.config;

import java.io.IOException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.qdsr.control.channel.ControlTls;
import org.qdsr.app.net.HostPort;

/**
 * Checks, before a command starts, what resolved settings name outside themselves: host names
 * resolve, files and folders exist. A failure is a usage error like a malformed value; its
 * message names where the value came from ({@code --listen}, or {@code lb.yaml: listen}) and the
 * value itself.
 */
final class Preflight {
    private final String source;

    /** {@code source}: the file the values not set by flags came from, or "" for none. */
    Preflight(String source) {
        this.source = source;
    }

    /** The flag when the command line set the value, else the file's key. */
    String where(boolean fromFlag, String flag, String key) {
        return fromFlag || source.isEmpty() ? flag : source + ": " + key;
    }

    void resolves(String where, HostPort hp) throws ConfigException {
        if (hp == null) {
            return;
        }
        try {
            HostPort.resolveHost(hp.host());
        } catch (UnknownHostException e) {
            throw new ConfigException(where + ": unknown host '" + hp.host() + "' in '" + hp + "'");
        } catch (SecurityException e) {
            throw new ConfigException(where + ": cannot resolve '" + hp.host() + "': " + e.getMessage());
        }
    }

    void directory(String where, Path dir) throws ConfigException {
        if (dir != null && !Files.isDirectory(dir)) {
            throw new ConfigException(where + ": " + (Files.exists(dir) ? "not a directory: " : "no such directory: ")
                    + dir);
        }
    }

    void readableFile(String where, Path file) throws ConfigException {
        if (file == null) {
            return;
        }
        if (!Files.exists(file)) {
            throw new ConfigException(where + ": no such file: " + file);
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new ConfigException(where + ": not a readable file: " + file);
        }
    }

    /**
     * The control TLS folder holds what node {@code name} loads: the CA certificate and the node's
     * certificate and key ({@link ControlTls#fromDirectory}). A name without files used to fail
     * only at start-up (exit 1, "cannot read DIR/NAME.pem"); now the message says which node,
     * which files, the nodes the folder does hold, and how to write the missing ones.
     *
     * @param certsFlag the {@code qdsr certs} option that names such a node, e.g. {@code --lb-names}
     */
    void controlTlsFiles(String where, Path dir, String name, String certsFlag) throws ConfigException {
        if (dir == null || !Files.isDirectory(dir)) {
            return;
        }
        try {
            ControlTls.checkNodeName(name);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("name (--name): " + e.getMessage());
        }
        List<String> missing = new ArrayList<>();
        for (String f : List.of(ControlTls.CA_CERT, ControlTls.certFile(name), ControlTls.keyFile(name))) {
            if (!Files.isReadable(dir.resolve(f))) {
                missing.add(f);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        if (missing.contains(ControlTls.CA_CERT)) {
            throw new ConfigException(where + ": " + dir + " is not a folder written by 'qdsr certs' (missing "
                    + String.join(", ", missing) + ")");
        }
        throw new ConfigException(where + ": no certificate for node '" + name + "' in " + dir + " (missing "
                + String.join(", ", missing) + "; it holds: " + String.join(", ", nodes(dir))
                + "): set the node name (--name) to one of those, or write it with 'qdsr certs " + certsFlag + " "
                + name + "' (the same run as the other nodes: one CA per cluster)");
    }

    /** The node names that have a certificate in a control TLS folder. */
    private static TreeSet<String> nodes(Path dir) {
        TreeSet<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.map(f -> f.getFileName().toString())
                    .filter(f -> f.endsWith(".pem") && !f.equals(ControlTls.CA_CERT))
                    .map(f -> f.substring(0, f.length() - ".pem".length()))
                    .filter(n -> Files.isReadable(dir.resolve(n + ".key")))
                    .forEach(names::add);
        } catch (IOException e) {
            // the list is a hint only
        }
        return names;
    }
}
