package org.qdsr.rs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.qdsr.quic.recovery.Cubic;
import org.qdsr.quic.recovery.NewReno;
import org.qdsr.quic.recovery.CongestionAlgorithm;

/**
 * {@link RealServerCore.Config#withHyStart}: the controllers the RS builds for its own
 * packet-number spaces run HyStart++ (RFC 9406) only with the switch on (what the switch does to
 * slow start is quic's {@code HyStartSwitchTest}).
 */
class CoreConfigTest {
    @Test
    void onByDefaultAndWithersKeepTheOtherFields() {
        RealServerCore.Config d = RealServerCore.Config.defaults();
        assertThat(d.hyStart()).isTrue();
        RealServerCore.Config off = d.withHyStart(false).withMaxStreams(7);
        assertThat(off.hyStart()).isFalse();
        assertThat(off.maxStreams()).isEqualTo(7);
        assertThat(off.congestion()).isEqualTo(d.congestion());
        assertThat(off.streamBufferBytes()).isEqualTo(d.streamBufferBytes());
        assertThat(off.withHyStart(true)).isEqualTo(d.withMaxStreams(7));
    }

    @Test
    void pathControllersFollowTheSwitch() {
        RealServerCore.Config d = RealServerCore.Config.defaults();
        assertThat(((Cubic) d.pathController(1200)).hyStart()).isNotNull();
        assertThat(((Cubic) d.withHyStart(false).pathController(1200)).hyStart()).isNull();
        RealServerCore.Config reno = new RealServerCore.Config(10, CongestionAlgorithm.NEW_RENO, 1 << 20, 1 << 20,
                1_000_000_000L, false);
        assertThat(((NewReno) reno.pathController(1200)).hyStart()).isNull();
        assertThat(((NewReno) reno.withHyStart(true).pathController(1200)).hyStart()).isNotNull();
    }
}
