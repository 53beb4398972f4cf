package org.qdsr.http3;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.qdsr.http3.qpack.Field;

/**
 * Field-section validation for requests, responses and trailers (RFC 9114 §4.2, §4.3). Every
 * violation makes the message malformed: a stream error of type H3_MESSAGE_ERROR (§4.1.2).
 */
final class Messages {
    private static final Set<String> CONNECTION_SPECIFIC =
            Set.of("connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade");

    private Messages() {
    }

    static Http3Exception malformed(String why) {
        return new Http3Exception(Http3Error.H3_MESSAGE_ERROR, why, true);
    }

    static String first(List<Field> fields, String name) {
        for (Field f : fields) {
            if (f.name().equals(name)) {
                return f.value();
            }
        }
        return null;
    }

    /** Validates a request head (§4.3.1). */
    static Request request(List<Field> fields) throws Http3Exception {
        String[] pseudo = new String[4]; // :method :scheme :authority :path
        List<Field> regular = new ArrayList<>(fields.size());
        for (Field f : fields) {
            checkField(f);
            if (f.name().startsWith(":")) {
                if (!regular.isEmpty()) {
                    throw malformed("pseudo-header " + f.name() + " after a regular field");
                }
                int slot = switch (f.name()) {
                    case ":method" -> 0;
                    case ":scheme" -> 1;
                    case ":authority" -> 2;
                    case ":path" -> 3;
                    default -> throw malformed("pseudo-header " + f.name() + " not allowed in a request");
                };
                if (pseudo[slot] != null) {
                    throw malformed("duplicate " + f.name());
                }
                pseudo[slot] = f.value();
            } else {
                regular.add(f);
            }
        }
        return buildRequest(pseudo[0], pseudo[1], pseudo[2], pseudo[3], regular);
    }

    private static Request buildRequest(String method, String scheme, String authority, String path,
                                        List<Field> regular) throws Http3Exception {
        if (method == null || method.isEmpty()) {
            throw malformed("missing :method");
        }
        String host = first(regular, "host");
        if (authority != null && (authority.isEmpty() || authority.indexOf('@') >= 0)) {
            throw malformed("bad :authority");
        }
        if (authority != null && host != null && !authority.equals(host)) {
            throw malformed(":authority and host differ");
        }
        if (method.equals("CONNECT")) {
            if (scheme != null || path != null || authority == null) {
                throw malformed("CONNECT needs :authority and no :scheme or :path (§4.4)");
            }
            return new Request(method, null, authority, null, regular);
        }
        if (scheme == null || path == null || path.isEmpty()) {
            throw malformed("missing :scheme or :path");
        }
        boolean httpLike = scheme.equals("http") || scheme.equals("https");
        if (httpLike && authority == null && (host == null || host.isEmpty())) {
            throw malformed("http(s) request without :authority or host");
        }
        if (httpLike && !path.startsWith("/") && !(path.equals("*") && method.equals("OPTIONS"))) {
            throw malformed("bad :path " + path);
        }
        return new Request(method, scheme, authority != null ? authority : host, path, regular);
    }

    /** Validates a response head (§4.3.2). */
    static Response response(List<Field> fields) throws Http3Exception {
        String status = null;
        List<Field> regular = new ArrayList<>(fields.size());
        for (Field f : fields) {
            checkField(f);
            if (f.name().startsWith(":")) {
                if (!f.name().equals(":status") || status != null || !regular.isEmpty()) {
                    throw malformed("unexpected pseudo-header " + f.name() + " in a response");
                }
                status = f.value();
            } else {
                regular.add(f);
            }
        }
        if (status == null || status.length() != 3 || !isDigits(status)) {
            throw malformed("missing or bad :status");
        }
        int code = Integer.parseInt(status);
        if (code < 100 || code == 101) {
            throw malformed(":status " + code + " not allowed in HTTP/3");
        }
        return new Response(code, regular);
    }

    /** Validates a trailer section: no pseudo-headers (§4.3). */
    static List<Field> trailers(List<Field> fields) throws Http3Exception {
        for (Field f : fields) {
            checkField(f);
            if (f.name().startsWith(":")) {
                throw malformed("pseudo-header " + f.name() + " in trailers");
            }
        }
        return fields;
    }

    /**
     * The declared content-length, -1 if absent. Repeated values must agree; anything but digits is
     * malformed (§4.1.2).
     */
    static long contentLength(List<Field> fields) throws Http3Exception {
        long result = -1;
        for (Field f : fields) {
            if (!f.name().equals("content-length")) {
                continue;
            }
            String v = f.value();
            if (v.isEmpty() || v.length() > 18 || !isDigits(v)) {
                throw malformed("bad content-length " + v);
            }
            long n = Long.parseLong(v);
            if (result >= 0 && n != result) {
                throw malformed("conflicting content-length values");
            }
            result = n;
        }
        return result;
    }

    /** Name syntax, lowercase (§4.2), value octets (no NUL, CR, LF), connection-specific fields (§4.2). */
    private static void checkField(Field f) throws Http3Exception {
        String name = f.name();
        if (name.isEmpty()) {
            throw malformed("empty field name");
        }
        for (int i = name.startsWith(":") ? 1 : 0; i < name.length(); i++) {
            if (!isLowercaseTchar(name.charAt(i))) {
                throw malformed("invalid character in field name " + name);
            }
        }
        String value = f.value();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == 0 || c == '\r' || c == '\n') {
                throw malformed("invalid character in value of " + name);
            }
        }
        if (CONNECTION_SPECIFIC.contains(name)) {
            throw malformed("connection-specific field " + name);
        }
        if (name.equals("te") && !value.toLowerCase(Locale.ROOT).equals("trailers")) {
            throw malformed("te other than \"trailers\"");
        }
    }

    private static boolean isLowercaseTchar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    private static boolean isDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
