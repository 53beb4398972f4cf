package org.qdsr.app.config;

import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
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
}
