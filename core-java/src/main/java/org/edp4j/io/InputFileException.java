package org.edp4j.io;

/**
 * An input file that cannot be used (training, test or prediction texts, a vocabulary, word pairs).
 * The message is one line, {@code FILE:LINE: what was wrong; expected what}, or {@code FILE: ...}
 * for a problem of the whole file (missing, unreadable, one class only). The {@code edp} commands
 * print it and exit with code 2 before any training starts.
 */
public final class InputFileException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final long line;

    /**
     * @param file the file's name as the user gave it
     * @param line the 1-based line, or 0 for the whole file
     * @param message what was wrong and what was expected
     */
    public InputFileException(String file, long line, String message) {
        super(file + (line > 0 ? ":" + line : "") + ": " + message);
        this.file = file;
        this.line = line;
    }

    /** @return the file's name as the user gave it */
    public String file() {
        return file;
    }

    /** @return the 1-based line, 0 for the whole file */
    public long line() {
        return line;
    }
}
