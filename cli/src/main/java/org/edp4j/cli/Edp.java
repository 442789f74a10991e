package org.edp4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code edp} command: private training, accounting and audits from the command line. */
@Command(name = "edp", mixinStandardHelpOptions = true, version = "edp4j 0.1.0",
        description = "Differentially private training on the JVM.",
        subcommands = {DemoCommand.class})
public final class Edp implements Runnable {

    public static void main(String[] args) {
        System.exit(new CommandLine(new Edp()).execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
