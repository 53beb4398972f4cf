package org.qdsr.lb;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.qdsr.control.message.Header;
import org.qdsr.http3.qpack.Field;

/**
 * The request fields a real server gets: the client's own, without any {@code Forwarded} or
 * {@code X-Forwarded-*} it sent (a client could otherwise claim any address), plus what the load
 * balancer knows: {@code forwarded} (RFC 7239 §4: for, proto, host) and the de-facto
 * {@code x-forwarded-for} and {@code x-forwarded-proto}; for a request that arrived in 0-RTT,
 * {@code early-data: 1} (RFC 8470 §5.1). Content sources that talk to an origin pass them on.
 */
final class ForwardedHeaders {
    static final Set<String> REPLACED = Set.of("forwarded", "x-forwarded-for", "x-forwarded-proto",
            "x-forwarded-host");

    private ForwardedHeaders() {
    }

    static List<Header> of(List<Field> fields, InetSocketAddress client, String scheme, String authority) {
        List<Header> headers = new ArrayList<>(fields.size() + 3);
        for (Field f : fields) {
            if (!REPLACED.contains(f.name().toLowerCase(Locale.ROOT))) {
                headers.add(new Header(f.name(), f.value()));
            }
        }
        if (client == null || client.getAddress() == null) {
            return headers;
        }
        String ip = client.getAddress().getHostAddress();
        String node = client.getAddress() instanceof Inet6Address ? "[" + ip + "]" : ip; // RFC 7239 §6
        StringBuilder forwarded = new StringBuilder("for=\"").append(node).append(':').append(client.getPort())
                .append('"');
        if (scheme != null) {
            forwarded.append(";proto=").append(scheme);
        }
        if (authority != null && !authority.isEmpty()) {
            forwarded.append(";host=\"").append(authority.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        headers.add(new Header("forwarded", forwarded.toString()));
        headers.add(new Header("x-forwarded-for", ip));
        if (scheme != null) {
            headers.add(new Header("x-forwarded-proto", scheme));
        }
        return headers;
    }

    /**
     * RFC 8470 §5.1: a request forwarded before the client's handshake completed (it came in
     * 0-RTT, which an attacker could have replayed) carries {@code early-data: 1}, so that the
     * origin can answer 425 (Too Early) to one it will not risk; one that has it already keeps it.
     */
    static List<Header> markEarly(List<Header> headers) {
        for (Header h : headers) {
            if (h.name().equalsIgnoreCase("early-data")) {
                return headers;
            }
        }
        List<Header> marked = new ArrayList<>(headers);
        marked.add(new Header("early-data", "1"));
        return marked;
    }
}
