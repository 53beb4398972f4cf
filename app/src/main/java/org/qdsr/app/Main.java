package org.qdsr.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the runnable jar ({@code bin/qdsr}): dispatches to the picocli subcommands.
 * Exit codes: 0 success, 1 failure, 2 usage error.
 */
@Command(name = "qdsr", mixinStandardHelpOptions = true, version = "qdsr 0.1.0",
        description = "QUIC and HTTP/3 with Direct Server Return.",
        subcommands = {ServerCommand.class, GetCommand.class, DemoCommand.class, StackBenchCommand.class,
                CertsCommand.class, RsCommand.class, LbCommand.class, DsrBenchCommand.class, BenchCommand.class})
public final class Main implements Runnable {
    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 2;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (tests call {@code execute} on it). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((e, line, parseResult) -> {
            if (e instanceof CommandLine.ParameterException pe) {
                return line.getParameterExceptionHandler().handleParseException(pe, parseResult.originalArgs()
                        .toArray(String[]::new));
            }
            line.getErr().println("qdsr " + line.getCommandName() + ": " + describe(e));
            return FAILURE;
        });
        return cl;
    }

    static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
    }
}
