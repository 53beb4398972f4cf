package org.qdsr.app.metrics;

import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.qdsr.app.config.LogFormat;

/** {@code --log-format text|json}: routes java.util.logging (and System.Logger) to stderr, one line per event. */
public final class Logs {
    /** Held strongly: java.util.logging forgets settings of loggers nobody references. */
    private static final Logger ROOT = Logger.getLogger("");

    private Logs() {
    }

    /** Replaces the root logger's handlers with one stderr handler using {@link LineFormatter}. */
    public static synchronized void install(LogFormat format) {
        for (Handler h : ROOT.getHandlers()) {
            ROOT.removeHandler(h);
        }
        ConsoleHandler console = new ConsoleHandler();
        console.setLevel(Level.ALL);
        console.setFormatter(new LineFormatter(format));
        ROOT.addHandler(console);
    }
}
