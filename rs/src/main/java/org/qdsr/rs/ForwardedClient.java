package org.qdsr.rs;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import org.qdsr.control.message.Header;

/**
 * The client's address as the load balancer wrote it into the request it handed over: the first
 * {@code for} of the {@code forwarded} field (RFC 7239 §4, §6: {@code for="192.0.2.1:443"} or
 * {@code for="[2001:db8::1]:443"}). The LB replaces whatever the client sent in that field, and
 * the control channel is mutually authenticated, so in proxy mode, where the RS gets no snapshot,
 * this is how its access log learns who asked. Anything but an IP literal with a port gives null:
 * no name is ever resolved.
 */
final class ForwardedClient {
    private ForwardedClient() {
    }

    static InetSocketAddress of(List<Header> headers) {
        for (Header h : headers) {
            if (h.name().toLowerCase(Locale.ROOT).equals("forwarded")) {
                return parse(h.value());
            }
        }
        return null;
    }

    static InetSocketAddress parse(String value) {
        String element = value.split(",", 2)[0];
        for (String pair : element.split(";")) {
            String p = pair.trim();
            if (p.regionMatches(true, 0, "for=", 0, 4)) {
                return node(unquote(p.substring(4)));
            }
        }
        return null;
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }

    /** {@code ip:port} or {@code [ipv6]:port}; null for anything else (obfuscated identifiers, "unknown", names). */
    private static InetSocketAddress node(String s) {
        int colon = s.lastIndexOf(':');
        if (colon <= 0) {
            return null;
        }
        String host = s.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            return null;
        }
        boolean v6 = host.startsWith("[") && host.endsWith("]");
        if (v6) {
            host = host.substring(1, host.length() - 1);
        }
        if (port < 0 || port > 65535 || !(v6 ? host.matches("[0-9A-Fa-f:.]+") && host.contains(":") : isIpv4(host))) {
            return null;
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port); // a literal: no lookup
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Dotted quad with every part 0..255: anything else would make InetAddress try a name lookup. */
    private static boolean isIpv4(String host) {
        if (!host.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            return false;
        }
        for (String part : host.split("\\.")) {
            if (Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }
}
