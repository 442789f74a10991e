package org.edp4j.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/**
 * One run of the {@code edp} command line in the test's JVM: its exit code and what it printed.
 * The command tests share it so each checks the same thing: the code picocli's
 * {@link Edp#newCommandLine()} returns and the text of its out and err writers.
 */
public record EdpRun(int code, String out, String err) {

    /** Runs {@code edp args} with its out and err writers captured. */
    public static EdpRun run(String... args) {
        return run(Edp.newCommandLine(), args);
    }

    /** Runs {@code args} on the given command line (e.g. one without {@code edp}'s error handlers). */
    public static EdpRun run(CommandLine cl, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new EdpRun(code, out.toString(), err.toString());
    }

    /**
     * Runs {@code edp args} for a command that prints with {@code System.out} (the demo): its out is
     * what went to {@code System.out}, restored afterwards; err is the command line's error writer.
     */
    public static EdpRun runCapturingSystemOut(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        try {
            System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            CommandLine cl = Edp.newCommandLine();
            cl.setErr(new PrintWriter(err, true));
            int code = cl.execute(args);
            return new EdpRun(code, bytes.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(old);
        }
    }
}
