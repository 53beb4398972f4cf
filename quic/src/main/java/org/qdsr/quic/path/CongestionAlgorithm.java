package org.qdsr.quic.path;

import org.qdsr.quic.recovery.CongestionController;
import org.qdsr.quic.recovery.Cubic;
import org.qdsr.quic.recovery.NewReno;

/** The congestion controller a {@link PathSender} runs (RFC 9002 §7, RFC 9438). */
public enum CongestionAlgorithm {
    CUBIC,
    NEW_RENO;

    /** A fresh controller with the initial window for {@code maxDatagramSize}. */
    public CongestionController create(int maxDatagramSize) {
        return this == CUBIC ? new Cubic(maxDatagramSize) : new NewReno(maxDatagramSize);
    }
}
