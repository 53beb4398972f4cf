package org.qdsr.quic.sim;

/** Observes datagrams moving through a {@link SimNetwork}; called on the simulation's thread. */
@FunctionalInterface
public interface DatagramTap {
    void observe(SimEvent event);
}
