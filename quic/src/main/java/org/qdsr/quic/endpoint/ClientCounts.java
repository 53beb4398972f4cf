package org.qdsr.quic.endpoint;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Connections per client, for {@link QuicServerEndpoint.Settings#maxConnectionsPerClient}. A
 * client is an IPv4 address or an IPv6 /64: one subscriber usually holds a whole /64 (RFC 6177),
 * so counting IPv6 addresses one by one would let one host take every place. Not thread-safe.
 */
final class ClientCounts {
    private final int limit;
    private final Map<InetAddress, int[]> counts = new HashMap<>();

    /** {@code limit}: connections per client at most; 0 counts nothing and limits nothing. */
    ClientCounts(int limit) {
        this.limit = limit;
    }

    boolean enabled() {
        return limit > 0;
    }

    /** Whether {@code address}'s client holds its limit already (never, when disabled). */
    boolean atLimit(InetAddress address) {
        if (!enabled()) {
            return false;
        }
        int[] n = counts.get(clientOf(address));
        return n != null && n[0] >= limit;
    }

    /** Counts one more connection of {@code address}'s client; returns the client, for {@link #remove}. */
    InetAddress add(InetAddress address) {
        InetAddress client = clientOf(address);
        counts.computeIfAbsent(client, c -> new int[1])[0]++;
        return client;
    }

    void remove(InetAddress client) {
        int[] n = counts.get(client);
        if (n != null && --n[0] <= 0) {
            counts.remove(client);
        }
    }

    /** Clients holding at least one place. */
    int clients() {
        return counts.size();
    }

    /** The client an address belongs to: itself (IPv4), or its /64 (IPv6). */
    static InetAddress clientOf(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address;
        }
        byte[] prefix = address.getAddress();
        Arrays.fill(prefix, 8, 16, (byte) 0);
        try {
            return InetAddress.getByAddress(prefix);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // 16 bytes are always an address
        }
    }
}
