package org.qdsr.app;

import java.io.PrintWriter;
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
        cl.setExpandAtFiles(false); // "@FILE" is an argument (qdsr get -d @FILE, as curl), not an argument file
        cl.setParameterExceptionHandler(Main::usageError);
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

    /**
     * A usage error of a subcommand prints its message (the flag or the file's key and the bad
     * value, docs/operations.md), any "did you mean" suggestions and where the help is, not the
     * whole usage text, which would bury the one line that matters. {@code qdsr} without a
     * valid subcommand still prints the usage: the list of commands is the answer there.
     */
    static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println(e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        if (cmd.getParent() == null) {
            cmd.usage(err);
        } else {
            err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for the options.");
        }
        return USAGE;
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
