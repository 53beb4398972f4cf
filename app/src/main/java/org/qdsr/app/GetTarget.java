package org.qdsr.app;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import org.qdsr.http3.RequestPaths;

/** One URL of {@code qdsr get}: where to connect, what to send as :authority and :path. */
record GetTarget(String url, String host, int port, String authority, String path) {

    /** Parses an {@code https://} URL; throws IllegalArgumentException with a readable message. */
    static GetTarget parse(String url) {
        URI uri;
        try {
            // non-ASCII characters (a UTF-8 file name typed as is) go out percent-encoded as UTF-8,
            // as browsers send them: :path is URI syntax, ASCII only (RFC 3986 §2.1, RFC 9114 §4.3.1)
            uri = new URI(new URI(url).toASCIIString());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("bad URL '" + url + "': " + e.getReason());
        }
        if (!"https".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("only https:// URLs are supported: " + url);
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("URL without a host: " + url);
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = uri.getPort() < 0 ? 443 : uri.getPort();
        String authority = uri.getRawAuthority();
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            authority = authority.substring(at + 1);
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            path += "?" + uri.getRawQuery();
        }
        return new GetTarget(url, host, port, authority, path);
    }

    /** Connections are shared by URLs with the same host and port. */
    String connectionKey() {
        return host.toLowerCase(Locale.ROOT) + ":" + port;
    }

    /** The file name {@code --output-dir} saves this URL under: the last path segment, or index.html. */
    String fileName() {
        String p = path;
        int q = p.indexOf('?');
        if (q >= 0) {
            p = p.substring(0, q);
        }
        String last = p.substring(p.lastIndexOf('/') + 1);
        String decoded = last.isEmpty() ? null : RequestPaths.decodeSegment(last);
        if (decoded == null || decoded.equals(".") || decoded.equals("..") || decoded.indexOf('/') >= 0
                || decoded.indexOf('\\') >= 0 || decoded.indexOf('\0') >= 0) {
            return "index.html";
        }
        return decoded;
    }
}
