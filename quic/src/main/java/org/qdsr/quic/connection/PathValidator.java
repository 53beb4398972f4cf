package org.qdsr.quic.connection;

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
    private long validatedCount;

    PathValidator(RandomGenerator random) {
        this.random = random;
    }

    /** Starts validating the peer's new address; returns the PATH_CHALLENGE to send there. */
    PathChallengeFrame startValidation() {
        outstanding = new byte[8];
        random.nextBytes(outstanding);
        return new PathChallengeFrame(outstanding.clone());
    }

    void onResponse(byte[] data) {
        if (outstanding != null && Arrays.equals(outstanding, data)) {
            outstanding = null;
            validatedCount++;
        }
    }

    long validatedCount() {
        return validatedCount;
    }
}
