package org.qdsr.app.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;

/** A {@code HOST:PORT} pair as typed on the command line ({@code [v6]:PORT} for IPv6 literals). */
public record HostPort(String host, int port) {
    public HostPort {
        if (host == null || host.isEmpty() || port < 0 || port > 65535) {
            throw new IllegalArgumentException("bad host or port: " + host + ":" + port);
        }
    }

    /** Parses {@code HOST:PORT}; throws IllegalArgumentException with a readable message. */
    public static HostPort parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("expected HOST:PORT, got '" + text + "'");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw new IllegalArgumentException("write IPv6 addresses in brackets: [" + host + "]:PORT");
        }
        String portText = text.substring(colon + 1);
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port '" + portText + "' in '" + text + "'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " out of range (0-65535) in '" + text + "'");
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("empty host in '" + text + "'");
        }
        return new HostPort(host, port);
    }

    /** Resolves the host, IPv4 first; {@code localhost} is 127.0.0.1. */
    public InetSocketAddress resolve() throws UnknownHostException {
        return new InetSocketAddress(resolveHost(host), port);
    }

    /** Resolves a host name preferring IPv4 addresses; {@code localhost} maps to 127.0.0.1. */
    public static InetAddress resolveHost(String host) throws UnknownHostException {
        if (host.toLowerCase(Locale.ROOT).equals("localhost")) {
            return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
        }
        InetAddress[] all = InetAddress.getAllByName(host);
        return Arrays.stream(all)
                .min(Comparator.comparingInt(a -> a instanceof Inet4Address ? 0 : 1))
                .orElseThrow(() -> new UnknownHostException(host));
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** {@code HOST:PORT} of a socket address, using the literal address. */
    public static String format(InetSocketAddress a) {
        return new HostPort(a.getAddress().getHostAddress(), a.getPort()).toString();
    }
}
