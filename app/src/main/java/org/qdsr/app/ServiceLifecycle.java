package org.qdsr.app;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The life of a long-running command (server, lb, rs): it announces when it is ready, runs until
 * {@link #stop()} or SIGINT/SIGTERM (a shutdown hook that waits up to five seconds, plus any
 * {@link #allowDrain drain time}, for the command to close what it opened), and tells waiters
 * when it is finished.
 */
final class ServiceLifecycle {
    private final CountDownLatch ready = new CountDownLatch(1);
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile long closeWaitMillis = CLOSE_WAIT_MILLIS;
    private static final long CLOSE_WAIT_MILLIS = 5000;

    /** Lets a stop take {@code drain} longer (a graceful shutdown) before the JVM exits. */
    void allowDrain(java.time.Duration drain) {
        closeWaitMillis = CLOSE_WAIT_MILLIS + drain.toMillis();
    }

    /** Marks the service ready, then blocks until it is asked to stop. */
    void runUntilStopped(String name) throws InterruptedException {
        Thread hook = new Thread(this::stopAndWait, name + "-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        ready.countDown();
        stop.await();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down
        }
    }

    /**
     * Runs {@code action} on a thread of its own each time the process gets signal {@code name}
     * (e.g. "HUP" for a reload); where the JVM offers no signal handling, nothing happens and a
     * debug line says so.
     */
    void onSignal(String name, Runnable action) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> {
                Thread t = new Thread(action, "qdsr-SIG" + name);
                t.setDaemon(true);
                t.start();
            });
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            System.getLogger(ServiceLifecycle.class.getName()).log(System.Logger.Level.DEBUG,
                    "no handler for SIG" + name + ": " + e);
        }
    }

    /** Call once the command closed everything (also after a failed start). */
    void finished() {
        ready.countDown();
        closed.countDown();
    }

    boolean awaitReady(long timeout, TimeUnit unit) throws InterruptedException {
        return ready.await(timeout, unit);
    }

    void stop() {
        stop.countDown();
    }

    private void stopAndWait() {
        stop.countDown();
        try {
            closed.await(closeWaitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
