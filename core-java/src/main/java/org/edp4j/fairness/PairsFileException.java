package org.edp4j.fairness;

/**
 * A word-pairs file that cannot be used. The message is one line, {@code FILE:LINE: what was wrong;
 * expected what}, or {@code FILE: ...} for the whole file (missing, unreadable, no pair).
 */
public final class PairsFileException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final long line;

    /**
     * @param file the file's name as the user gave it
     * @param line the 1-based line, or 0 for the whole file
     * @param message what was wrong and what was expected
     */
    public PairsFileException(String file, long line, String message) {
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
