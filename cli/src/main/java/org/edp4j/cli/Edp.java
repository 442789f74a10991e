package org.edp4j.cli;

import org.edp4j.cli.train.TrainCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code edp} command: private training, accounting and audits from the command line. */
@Command(name = "edp", mixinStandardHelpOptions = true, version = "edp4j 0.1.0",
        description = "Differentially private training on the JVM.",
        subcommands = {TrainCommand.class})
public final class Edp implements Runnable {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The {@code edp} command line; a bad option is one line on standard error and exit code 2. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Edp());
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine cmd = ex.getCommandLine();
            cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + ex.getMessage()
                    + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
            cmd.getErr().flush();
            return CommandLine.ExitCode.USAGE;
        });
        return cl;
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
