package org.qdsr.quic.connection;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.random.RandomGenerator;
import org.qdsr.quic.wire.PathChallengeFrame;

/**
 * Path validation after the peer's address changed (RFC 9000 §8.2, §9.3): a PATH_CHALLENGE
 * with fresh random data goes to the new address; the matching PATH_RESPONSE validates it.
 */
final class PathValidator {
    private final RandomGenerator random;
    private byte[] outstanding;
    private InetSocketAddress candidate;
    private InetSocketAddress previous;
    private long validatedCount;

    PathValidator(RandomGenerator random) {
        this.random = random;
    }

    /** Starts validating {@code address}; returns the PATH_CHALLENGE to send there. */
    PathChallengeFrame startValidation(InetSocketAddress address, InetSocketAddress old, long now) {
        outstanding = new byte[8];
        random.nextBytes(outstanding);
        candidate = address;
        previous = old;
        return new PathChallengeFrame(outstanding.clone());
    }

    void onResponse(byte[] data, long now) {
        if (outstanding != null && Arrays.equals(outstanding, data)) {
            outstanding = null;
            validatedCount++;
        }
    }

    boolean isValidating() {
        return outstanding != null;
    }

    InetSocketAddress candidate() {
        return candidate;
    }

    InetSocketAddress previous() {
        return previous;
    }

    long validatedCount() {
        return validatedCount;
    }
}
