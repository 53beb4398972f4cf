package org.qdsr.quic.recovery;


/** The congestion controller a path runs (RFC 9002 §7, RFC 9438). */
public enum CongestionAlgorithm {
    CUBIC,
    NEW_RENO;

    /** A fresh controller with the initial window for {@code maxDatagramSize}. */
    public CongestionController create(int maxDatagramSize) {
        return this == CUBIC ? new Cubic(maxDatagramSize) : new NewReno(maxDatagramSize);
    }
}
