package org.edp4j.cli.model;

import java.nio.file.Path;
import org.edp4j.model.ModelFileException;
import org.edp4j.model.SavedModel;
import org.edp4j.model.TextClassifier;

/** Loads a model file for a command: a missing or invalid file is bad input (exit 2, one line). */
public final class ModelFiles {
    private ModelFiles() {
    }

    /** @throws IllegalArgumentException (exit code 2) naming the file and what is wrong */
    public static SavedModel read(Path file) {
        try {
            return SavedModel.load(file);
        } catch (ModelFileException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    static TextClassifier load(Path file) {
        return TextClassifier.of(read(file), org.edp4j.tensor.CpuBackend.instance());
    }
}
