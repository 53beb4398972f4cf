package org.qdsr.lb;

import org.qdsr.control.message.ControlMessage;

/**
 * A real server as the load balancer sees it: its control link, whether it is healthy, its
 * weight and how many streams it is serving now.
 */
public final class Backend {
    /** Sends control messages to this backend; implemented by the control channel or a test link. */
    public interface Link {
        /** Queues a message; false if the link is down (the message is dropped). */
        boolean send(ControlMessage message);
    }

    private final int id;
    private final String name;
    private int weight;
    private Link link;
    private boolean retired;
    /** Where it said it sends responses from ({@code SendAddress}), and whether that is not this LB's VIP. */
    private java.net.InetSocketAddress sendsFrom;
    private boolean vipMismatch;
    private boolean healthy;
    private boolean draining;
    private int outstanding;
    private long handoffs;
    private long bytesReported;
    /** Passive health ({@link OutlierEjection}): refusals in a row, and ejections in a row. */
    private int refusalsInARow;
    private int ejectionsInARow;
    private boolean ejected;
    private long ejectedUntil;

    public Backend(int id, String name, int weight) {
        if (weight < 1) {
            throw new IllegalArgumentException("weight must be at least 1: " + weight);
        }
        this.id = id;
        this.name = name;
        this.weight = weight;
    }

    public int id() {
        return id;
    }

    public String name() {
        return name;
    }

    public int weight() {
        return weight;
    }

    public boolean healthy() {
        return healthy && link != null;
    }

    /** The backend announced a graceful shutdown ({@code Draining}): it finishes its streams, gets no new ones. */
    public boolean draining() {
        return draining;
    }

    /** Healthy, not draining, not ejected and still configured: new requests may go here. */
    public boolean routable() {
        return healthy() && !draining && !retired && !ejected;
    }

    /** Refused too many requests in a row: no new ones until {@link #ejectedUntil()} ({@link OutlierEjection}). */
    public boolean ejected() {
        return ejected;
    }

    long ejectedUntil() {
        return ejectedUntil;
    }

    /** A refused request; returns the refusals in a row. */
    int onRefused() {
        return ++refusalsInARow;
    }

    /** A served request: the streaks end. */
    void onServed() {
        refusalsInARow = 0;
        ejectionsInARow = 0;
    }

    /** Ejects it for {@code base} doubled per ejection in a row, at most {@code max}; returns until when. */
    long eject(long now, long base, long max) {
        long d = base << Math.min(ejectionsInARow, 20);
        ejectionsInARow++;
        ejected = true;
        refusalsInARow = 0;
        ejectedUntil = now + Math.min(max, d > 0 ? d : max);
        return ejectedUntil;
    }

    void endEjection() {
        ejected = false;
    }

    /** Removed from the configuration by a reload: it finishes its streams, gets no new ones. */
    public boolean retired() {
        return retired;
    }

    /** Sends responses from an address that is not the VIP clients connect to: they drop those packets. */
    public boolean vipMismatch() {
        return vipMismatch;
    }

    public java.net.InetSocketAddress sendsFrom() {
        return sendsFrom;
    }

    void sendsFrom(java.net.InetSocketAddress address, boolean mismatch) {
        sendsFrom = address;
        vipMismatch = mismatch;
    }

    void retire() {
        retired = true;
    }

    void setWeight(int w) {
        if (w < 1) {
            throw new IllegalArgumentException("weight must be at least 1: " + w);
        }
        weight = w;
    }

    public int outstanding() {
        return outstanding;
    }

    public long handoffs() {
        return handoffs;
    }

    public long bytesReported() {
        return bytesReported;
    }

    void up(Link l) {
        link = l;
        healthy = true;
        draining = false; // a new channel: the server (re)started
        ejected = false;
        refusalsInARow = 0;
    }

    void startDraining() {
        draining = true;
    }

    void down() {
        healthy = false;
        link = null;
        outstanding = 0;
    }

    boolean send(ControlMessage m) {
        return link != null && link.send(m);
    }

    void onHandoff() {
        outstanding++;
        handoffs++;
    }

    void onStreamDone(long bytes) {
        outstanding = Math.max(0, outstanding - 1);
        bytesReported += bytes;
    }

    /** A report for a stream whose connection is gone (its outstanding count was already released). */
    void onLateReport(long bytes) {
        bytesReported += bytes;
    }

    @Override
    public String toString() {
        return name + (retired ? " (retired)" : "") + (healthy() ? draining ? " (draining)" : "" : " (down)")
                + (ejected ? " (ejected)" : "")
                + " outstanding=" + outstanding;
    }
}
