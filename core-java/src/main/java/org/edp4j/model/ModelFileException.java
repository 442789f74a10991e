package org.edp4j.model;

/** A model file that cannot be used: missing, unreadable, of another format or version, corrupt or truncated. */
public final class ModelFileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message names the file and what is wrong */
    public ModelFileException(String message) {
        super(message);
    }
}
