package org.qdsr.app.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.qdsr.app.net.HostPort;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * A YAML mapping read strictly: every getter records the key as known, and {@link #finish()}
 * rejects keys nobody asked for, so a typo is an error rather than a silently ignored setting.
 * Errors name the file and the field path ({@code routes[0].path-prefix}).
 */
final class YamlNode {
    private final String source;
    private final String path;
    private final Map<String, Object> values;
    private final Set<String> known = new HashSet<>();

    private YamlNode(String source, String path, Map<String, Object> values) {
        this.source = source;
        this.path = path;
        this.values = values;
    }

    /** Parses a whole file whose top level must be a mapping (an empty file is an empty mapping). */
    static YamlNode load(Path file) throws ConfigException {
        String source = file.toString();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            options.setMaxAliasesForCollections(10);
            Object root = new Yaml(new SafeConstructor(options)).load(r);
            if (root == null) {
                return new YamlNode(source, "", Map.of());
            }
            return asNode(source, "", root);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ConfigException(source + ": no such file");
        } catch (IOException e) {
            throw new ConfigException(source + ": cannot read: " + e.getMessage());
        } catch (YAMLException e) {
            throw new ConfigException(source + ": not valid YAML: " + e.getMessage().replace('\n', ' '));
        }
    }

    private static YamlNode asNode(String source, String path, Object value) throws ConfigException {
        if (!(value instanceof Map<?, ?> m)) {
            throw new ConfigException(source + ": " + (path.isEmpty() ? "top level" : path)
                    + ": expected a mapping of keys to values");
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getKey() instanceof String k)) {
                throw new ConfigException(source + ": " + join(path, String.valueOf(e.getKey()))
                        + ": keys must be strings");
            }
            copy.put(k, e.getValue());
        }
        return new YamlNode(source, path, copy);
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** An error about {@code key} of this node. */
    ConfigException error(String key, String problem) {
        return new ConfigException(source + ": " + join(path, key) + ": " + problem);
    }

    private Object raw(String key) {
        known.add(key);
        return values.get(key);
    }

    boolean has(String key) {
        return values.get(key) != null;
    }

    /** A scalar as text (numbers and booleans too: {@code port: 443} is "443"), or null when absent. */
    String string(String key) throws ConfigException {
        Object v = raw(key);
        if (v == null) {
            return null;
        }
        if (v instanceof Map || v instanceof List) {
            throw error(key, "expected a single value");
        }
        String s = String.valueOf(v).trim();
        if (s.isEmpty()) {
            throw error(key, "must not be empty");
        }
        return s;
    }

    Integer integer(String key) throws ConfigException {
        Object v = raw(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Integer i)) {
            throw error(key, "expected an integer, got '" + v + "'");
        }
        return i;
    }

    Boolean bool(String key) throws ConfigException {
        Object v = raw(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Boolean b)) {
            throw error(key, "expected true or false, got '" + v + "'");
        }
        return b;
    }

    Path file(String key) throws ConfigException {
        String s = string(key);
        return s == null ? null : Path.of(s);
    }

    HostPort hostPort(String key) throws ConfigException {
        String s = string(key);
        if (s == null) {
            return null;
        }
        try {
            return HostPort.parse(s);
        } catch (IllegalArgumentException e) {
            throw error(key, e.getMessage() + " (quote addresses: \"127.0.0.1:4433\")");
        }
    }

    /** A nested mapping, or null when absent. */
    YamlNode child(String key) throws ConfigException {
        Object v = raw(key);
        return v == null ? null : asNode(source, join(path, key), v);
    }

    /** A list of mappings (empty when absent). */
    List<YamlNode> children(String key) throws ConfigException {
        Object v = raw(key);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> list)) {
            throw error(key, "expected a list");
        }
        List<YamlNode> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            out.add(asNode(source, join(path, key) + "[" + i + "]", list.get(i)));
        }
        return out;
    }

    /** A list of scalars (a single scalar is a list of one); null when absent. */
    List<String> strings(String key) throws ConfigException {
        Object v = raw(key);
        if (v == null) {
            return null;
        }
        List<?> list = v instanceof List<?> l ? l : List.of(v);
        List<String> out = new ArrayList<>();
        for (Object o : list) {
            if (o == null || o instanceof Map || o instanceof List) {
                throw error(key, "expected a list of names");
            }
            out.add(String.valueOf(o));
        }
        return List.copyOf(out);
    }

    /** Rejects keys that no getter asked for. Call after reading every field. */
    void finish() throws ConfigException {
        for (String k : values.keySet()) {
            if (!known.contains(k)) {
                List<String> sorted = new ArrayList<>(known);
                sorted.sort(null);
                throw error(k, "unknown key (known here: " + String.join(", ", sorted) + ")");
            }
        }
    }

    String source() {
        return source;
    }
}
