package org.qdsr.lb;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The UDP sockets of this network namespace as Linux lists them in {@code /proc/net/udp} and
 * {@code /proc/net/udp6} (one line per socket after a header; {@code local_address} is
 * {@code ADDR:PORT} in hex, the address as 32-bit words in host byte order, the port as a
 * number). The VIP socket is bound with SO_REUSEADDR (real servers on the same host share its
 * port on the wildcard address), so the kernel lets a second LB bind the same VIP and take the
 * traffic (Linux delivers to the socket bound last); {@link #othersBoundTo} finds it after our own bind.
 */
final class ProcNetUdp {
    private static final Path[] TABLES = {Path.of("/proc/net/udp"), Path.of("/proc/net/udp6")};

    private ProcNetUdp() {
    }

    /**
     * The local addresses in one table's text, IPv4-mapped IPv6 addresses as IPv4; the header
     * and lines that do not parse are skipped.
     */
    static List<InetSocketAddress> localAddresses(String table, ByteOrder hostOrder) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String line : table.split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length < 2 || !fields[0].endsWith(":")) {
                continue; // header ("sl local_address ...") or blank
            }
            InetSocketAddress a = parseAddress(fields[1], hostOrder);
            if (a != null) {
                out.add(a);
            }
        }
        return out;
    }

    /** {@code 0100007F:1151} → 127.0.0.1:4433 on a little-endian host; null if malformed. */
    static InetSocketAddress parseAddress(String field, ByteOrder hostOrder) {
        int colon = field.indexOf(':');
        if (colon < 0) {
            return null;
        }
        String hex = field.substring(0, colon);
        if ((hex.length() != 8 && hex.length() != 32) || field.length() - colon - 1 != 4) {
            return null;
        }
        try {
            byte[] addr = new byte[hex.length() / 2];
            for (int word = 0; word < addr.length / 4; word++) {
                long v = Long.parseLong(hex.substring(word * 8, word * 8 + 8), 16);
                for (int i = 0; i < 4; i++) { // the word's bytes in memory order
                    int shift = hostOrder == ByteOrder.LITTLE_ENDIAN ? 8 * i : 8 * (3 - i);
                    addr[word * 4 + i] = (byte) (v >>> shift);
                }
            }
            int port = Integer.parseInt(field.substring(colon + 1), 16);
            return new InetSocketAddress(InetAddress.getByAddress(addr), port); // ::ffff:a.b.c.d → IPv4
        } catch (NumberFormatException | UnknownHostException e) {
            return null;
        }
    }

    /** How many sockets in {@code sockets} are bound to exactly {@code address} (the wildcard only matches itself). */
    static int countBoundTo(InetSocketAddress address, List<InetSocketAddress> sockets) {
        int n = 0;
        for (InetSocketAddress s : sockets) {
            if (s.getPort() == address.getPort() && s.getAddress().equals(address.getAddress())) {
                n++;
            }
        }
        return n;
    }

    /**
     * After our own bind to {@code bound}: the number of other sockets bound to exactly it, from
     * the kernel's tables; -1 if they cannot be read (not Linux, no /proc).
     */
    static int othersBoundTo(InetSocketAddress bound) {
        List<InetSocketAddress> all = new ArrayList<>();
        for (Path table : TABLES) {
            if (!Files.isReadable(table)) {
                continue; // udp6 is missing where IPv6 is off
            }
            try {
                all.addAll(localAddresses(Files.readString(table), ByteOrder.nativeOrder()));
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }
        if (all.isEmpty()) {
            return -1; // not even our own socket: these are not the tables we think
        }
        return countBoundTo(bound, all) - 1;
    }

    /** {@code 198.18.0.100:4433}, {@code [2001:db8::1]:4433}. */
    static String format(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
