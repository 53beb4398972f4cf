package org.qdsr.control.channel;

import java.time.Duration;
import java.util.List;
import org.qdsr.quic.tls.Certificates;
import org.qdsr.quic.tls.CertifiedKey;

/** An in-memory cluster CA with LB and RS certificates, plus a foreign CA. */
final class TestPki {
    static final Duration DAY = Duration.ofDays(1);
    final CertifiedKey ca = Certificates.generateCa("qdsr test CA", DAY);
    final CertifiedKey lb = Certificates.issue(ca, "lb", List.of("lb"), true, DAY);
    final CertifiedKey rs = Certificates.issue(ca, "rs", List.of("rs"), true, DAY);
    final CertifiedKey otherCa = Certificates.generateCa("other CA", DAY);
    final CertifiedKey intruder = Certificates.issue(otherCa, "lb", List.of("lb"), true, DAY);

    ControlTls lbTls() {
        return ControlTls.of(lb, List.of(ca.certificate()));
    }

    ControlTls rsTls() {
        return ControlTls.of(rs, List.of(ca.certificate()));
    }
}
