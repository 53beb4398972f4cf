package org.qdsr.quic.recovery;


/** The congestion controller a path runs (RFC 9002 §7, RFC 9438). */
public enum CongestionAlgorithm {
    CUBIC,
    NEW_RENO;

    /** A fresh controller with the initial window for {@code maxDatagramSize}, HyStart++ on. */
    public CongestionController create(int maxDatagramSize) {
        return create(maxDatagramSize, true);
    }

    /** A fresh controller; {@code hyStart} false keeps plain slow start (RFC 9406 off), for comparisons. */
    public CongestionController create(int maxDatagramSize, boolean hyStart) {
        return this == CUBIC ? new Cubic(maxDatagramSize, true, hyStart) : new NewReno(maxDatagramSize, hyStart);
    }
}
