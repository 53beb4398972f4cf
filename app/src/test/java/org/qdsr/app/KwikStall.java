package org.qdsr.app;

/**
 * Kwik 0.10.8 has a send-scheduling race (app/src/test/java/org/qdsr/app/interop/README.md): now
 * and then one of its streams keeps data buffered and never sends it, and the connection idles
 * out. A test against a Kwik peer that fails exactly that way (an idle timeout, or Kwik's
 * "Connection closed" on a stream) runs once more and says so on standard output; any other
 * failure, or a second stall, fails the test. A fault on our side fails both runs.
 */
public final class KwikStall {
    /** A test body that may throw. */
    @FunctionalInterface
    public interface Body {
        void run() throws Exception;
    }

    private KwikStall() {
    }

    public static void retryOnce(String what, Body body) throws Exception {
        try {
            body.run();
        } catch (Exception | AssertionError e) {
            if (!isStall(e)) {
                throw e;
            }
            System.out.println("KwikStall: " + what + " stalled the way Kwik's send race does; running it once more: "
                    + e);
            body.run();
        }
    }

    static boolean isStall(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = String.valueOf(c.getMessage());
            if (m.contains("IDLE_TIMEOUT")
                    || c.getClass().getSimpleName().equals("StreamClosedException") && m.contains("Connection closed")) {
                return true;
            }
        }
        return false;
    }
}
