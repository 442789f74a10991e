package org.edp4j.cli;

import java.util.List;
import org.edp4j.cli.audit.AuditCommand;
import org.edp4j.cli.federated.FederatedCommand;
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
            DemoCommand.class, FederatedCommand.class})
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
            String message = ex.getMessage() != null ? ex.getMessage() : ex.toString();
            c.getErr().println("edp " + c.getCommandName() + ": " + (badInput ? "" : "error: ") + message);
            c.getErr().flush();
            return badInput ? c.getCommandSpec().exitCodeOnInvalidInput() : c.getCommandSpec().exitCodeOnExecutionException();
        });
        // Out of memory is no bug of the input: one line with the heap advice, exit code 1.
        cl.setExecutionStrategy(parsed -> {
            try {
                return new CommandLine.RunLast().execute(parsed);
            } catch (OutOfMemoryError e) {
                List<CommandLine> chain = parsed.asCommandLineList();
                CommandLine c = chain.get(chain.size() - 1);
                c.getErr().println("edp " + c.getCommandName() + ": " + outOfMemory(Runtime.getRuntime().maxMemory()));
                c.getErr().flush();
                return c.getCommandSpec().exitCodeOnExecutionException();
            }
        });
        return cl;
    }

    /** The one line printed when the Java heap runs out. */
    static String outOfMemory(long maxHeapBytes) {
        return String.format(java.util.Locale.ROOT, "error: out of memory (the Java heap is limited to %d MiB): "
                + "give Java more, e.g. java -Xmx8g -jar edp.jar ..., or make the run smaller (--batch-size, "
                + "--max-len, --dim, --vocab-size)", maxHeapBytes >> 20);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
