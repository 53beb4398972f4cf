package org.qdsr.app;

/** Entry point of the runnable jar: dispatches to the picocli commands. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.out.println("qdsr: not yet implemented");
    }
}
