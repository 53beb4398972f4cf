package org.qdsr.testbed;

/** A testbed setup or teardown step failed; the message names the command and its output. */
public final class TestbedException extends RuntimeException {
    public TestbedException(String message) {
        super(message);
    }

    public TestbedException(String message, Throwable cause) {
        super(message, cause);
    }
}
