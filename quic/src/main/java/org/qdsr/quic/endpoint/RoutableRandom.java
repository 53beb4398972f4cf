package org.qdsr.quic.endpoint;

import java.util.random.RandomGenerator;

/**
 * The randomness a server connection gets when the endpoint issues routable connection IDs: a
 * request for exactly {@link ConnectionIdGenerator#length} bytes is how the connection draws a
 * new connection ID (NEW_CONNECTION_ID, RFC 9000 §5.1.1), so those bytes come from the generator (e.g. the QUIC-LB
 * layout of {@link PlaintextConnectionIds});
 * everything else comes from the delegate unchanged.
 *
 * <p>This is a seam, not a design: the connection package draws its IDs with {@code
 * ConnectionId.random(random, length)}. A PATH_CHALLENGE of the same length (8 octets with the
 * default 8-octet IDs) also gets the layout, which leaves it 5 + 8 * nonce random bits (53 with
 * the defaults): still unguessable for an off-path attacker (RFC 9000 §8.2.1 asks for
 * unpredictable data, not a number of bits).
 */
final class RoutableRandom implements RandomGenerator {
    private final RandomGenerator delegate;
    private final ConnectionIdGenerator ids;

    RoutableRandom(RandomGenerator delegate, ConnectionIdGenerator ids) {
        this.delegate = delegate;
        this.ids = ids;
    }

    @Override
    public void nextBytes(byte[] bytes) {
        if (bytes.length == ids.length()) {
            ids.next(delegate).copyTo(bytes, 0);
        } else {
            delegate.nextBytes(bytes);
        }
    }

    @Override
    public long nextLong() {
        return delegate.nextLong();
    }

    @Override
    public int nextInt() {
        return delegate.nextInt();
    }

    @Override
    public int nextInt(int bound) {
        return delegate.nextInt(bound);
    }

    @Override
    public double nextDouble() {
        return delegate.nextDouble();
    }

    @Override
    public boolean nextBoolean() {
        return delegate.nextBoolean();
    }
}
