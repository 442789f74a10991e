package org.edp4j.cli;

import org.edp4j.cli.audit.AuditCommand;
import org.edp4j.cli.model.InspectCommand;
import org.edp4j.cli.fairness.FairnessCommand;
import org.edp4j.cli.model.PredictCommand;
import org.edp4j.cli.train.TrainCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code edp} command: private training, accounting and audits from the command line. */
@Command(name = "edp", mixinStandardHelpOptions = true, version = "edp4j 0.1.0",
        description = "Differentially private training on the JVM.",
        subcommands = {TrainCommand.class, PredictCommand.class, InspectCommand.class, FairnessCommand.class, AuditCommand.class, PrivacyCommand.class, CalibrateCommand.class,
            DemoCommand.class})
public final class Edp implements Runnable {

    public static void main(String[] args) {
        System.exit(newCommandLine().execute(args));
    }

    /**
     * The command line as {@code main} runs it: a bad argument prints one line naming it to
     * stderr and exits with code 2 (picocli's usage exit code), without the usage text.
     */
    public static CommandLine newCommandLine() {
        CommandLine cl = new CommandLine(new Edp());
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("edp " + c.getCommandName() + ": " + ex.getMessage().replace('\n', ' ').trim()
                    + " (see --help)");
            c.getErr().flush();
            return c.getCommandSpec().exitCodeOnInvalidInput();
        });
        // A value the options' types accept but the command refuses (delta >= 1, say) is bad
        // input too: one line, exit code 2. Anything else is a failure: one line, exit code 1.
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            boolean badInput = ex instanceof IllegalArgumentException;
            c.getErr().println("edp " + c.getCommandName() + ": " + (badInput ? "" : "error: ") + ex.getMessage());
            c.getErr().flush();
            return badInput ? c.getCommandSpec().exitCodeOnInvalidInput() : c.getCommandSpec().exitCodeOnExecutionException();
        });
        return cl;
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
