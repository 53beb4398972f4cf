package org.qdsr.quic.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.qdsr.quic.wire.PathChallengeFrame;

/** RFC 9000 §8.2, §9.3: what PathValidator allows toward new addresses and what it validates. */
class PathValidatorTest {
    private static final InetSocketAddress OLD = new InetSocketAddress("192.0.2.1", 1000);
    private static final InetSocketAddress NEW = new InetSocketAddress("192.0.2.1", 2000);
    private static final long SECOND = 1_000_000_000L;
    private static final InetSocketAddress OTHER = new InetSocketAddress("198.51.100.3", 3000);

    @Test
    void aNewAddressGetsThreeTimesWhatItSentUntilItAnswers() {
        PathValidator v = new PathValidator(new SplittableRandom(1), OLD);
        v.onDatagramReceived(NEW, 100);
        PathChallengeFrame challenge = v.onPeerMoved(NEW, 100, 0, SECOND);
        assertThat(challenge).isNotNull();
        assertThat(v.allowance(NEW)).isEqualTo(300);
        assertThat(v.allowance(OLD)).isEqualTo(Long.MAX_VALUE);
        v.onDatagramSent(NEW, 250);
        v.onDatagramReceived(NEW, 40);
        assertThat(v.allowance(NEW)).isEqualTo(3 * 140 - 250);
        assertThat(v.validatedAddress()).as("not before the response").isEqualTo(OLD);

        assertThat(v.onResponse(new byte[8])).as("wrong data").isNull();
        assertThat(v.isOutstanding(challenge.data())).isTrue();
        assertThat(v.onResponse(challenge.data())).isEqualTo(NEW);
        assertThat(v.validatedAddress()).isEqualTo(NEW);
        assertThat(v.allowance(NEW)).isEqualTo(Long.MAX_VALUE);
        assertThat(v.isOutstanding(challenge.data())).isFalse();
        assertThat(v.onResponse(challenge.data())).as("answered once").isNull();
    }

    @Test
    void comingBackToTheValidatedAddressAbandonsThePendingValidation() {
        PathValidator v = new PathValidator(new SplittableRandom(2), OLD);
        PathChallengeFrame challenge = v.onPeerMoved(OTHER, 50, 0, SECOND);
        assertThat(v.onPeerMoved(OLD, 50, 0, SECOND)).as("no challenge for the validated address").isNull();
        assertThat(v.onResponse(challenge.data())).as("a late answer validates nothing").isNull();
        assertThat(v.validatedAddress()).isEqualTo(OLD);
        assertThat(v.validating(OTHER)).isFalse();
    }

    @Test
    void aProbeIsAnsweredWhereItCameFromWithinThreeTimesItsSize() {
        PathValidator v = new PathValidator(new SplittableRandom(3), OLD);
        v.onDatagramReceived(OTHER, 300);
        v.onProbeChallenge(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        assertThat(v.takeProbeResponse().data()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(v.probeResponseDestination()).isEqualTo(OTHER);
        assertThat(v.probeResponseSize()).isEqualTo(900);
        assertThat(v.takeProbeResponse()).as("once").isNull();
        assertThat(v.probeResponseDestination()).isNull();
    }

    @Test
    void anUnansweredValidationIsAbandonedAtItsDeadlineAndGoesBackToTheValidatedAddress() {
        PathValidator v = new PathValidator(new SplittableRandom(3), OLD);
        v.onDatagramReceived(NEW, 100);
        PathChallengeFrame challenge = v.onPeerMoved(NEW, 100, 5 * SECOND, 2 * SECOND);
        assertThat(v.abandonDeadline()).isEqualTo(7 * SECOND);
        assertThat(v.abandonIfExpired(7 * SECOND - 1)).as("not yet").isNull();
        assertThat(v.validating(NEW)).isTrue();

        assertThat(v.abandonIfExpired(7 * SECOND)).isEqualTo(OLD);
        assertThat(v.abandonedCount()).isEqualTo(1);
        assertThat(v.abandonDeadline()).isEqualTo(Long.MAX_VALUE);
        assertThat(v.validating(NEW)).isFalse();
        assertThat(v.isOutstanding(challenge.data())).as("no PATH_CHALLENGE is sent again").isFalse();
        assertThat(v.onResponse(challenge.data())).as("a late answer validates nothing").isNull();
        assertThat(v.validatedAddress()).isEqualTo(OLD);
        assertThat(v.abandonIfExpired(9 * SECOND)).as("abandoned once").isNull();
    }

    @Test
    void anAnsweredOrReturnedValidationHasNoDeadline() {
        PathValidator v = new PathValidator(new SplittableRandom(4), OLD);
        PathChallengeFrame challenge = v.onPeerMoved(NEW, 100, 0, SECOND);
        assertThat(v.onResponse(challenge.data())).isEqualTo(NEW);
        assertThat(v.abandonDeadline()).isEqualTo(Long.MAX_VALUE);
        assertThat(v.abandonIfExpired(10 * SECOND)).isNull();

        v.onPeerMoved(OTHER, 100, 0, SECOND);
        v.onPeerMoved(NEW, 100, 0, SECOND); // back to the validated address (RFC 9000 §9.3.3)
        assertThat(v.abandonDeadline()).isEqualTo(Long.MAX_VALUE);
        assertThat(v.abandonedCount()).isZero();
    }

    @Test
    void theTimeoutIsThreePtosButNeverBelowSixInitialRtts() {
        assertThat(PathValidator.abandonTimeout(100_000_000L)).isEqualTo(6 * 333_000_000L);
        assertThat(PathValidator.abandonTimeout(SECOND)).isEqualTo(3 * SECOND);
    }
}
