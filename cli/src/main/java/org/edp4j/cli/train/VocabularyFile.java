package org.edp4j.cli.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.edp4j.cli.input.TextDecoder;
import org.edp4j.data.Tokenizer;
import org.edp4j.data.Vocabulary;
import org.edp4j.io.InputFileException;

/**
 * A public vocabulary the user supplies ({@code --vocabulary FILE}): UTF-8 text (optionally gzipped),
 * one entry per line, most useful first. Each line goes through the run's tokenizer, so {@code Don't}
 * gives {@code don} and {@code t}; the tokens, in order of first appearance, become ids
 * {@code 2, 3, ...} after {@code PAD} and {@code UNK}, up to {@code --vocab-size} ids in all. Blank
 * lines are skipped. The file must not come from the private training data: it is released with the
 * model and no epsilon covers it.
 */
final class VocabularyFile {

    private VocabularyFile() {
    }

    /**
     * @param file the file
     * @param tokenizer the run's tokenizer
     * @param maxSize the most ids, reserved ones included
     * @return the vocabulary
     * @throws InputFileException when the file cannot be read, is not UTF-8 text, or holds no token
     */
    static Vocabulary read(Path file, Tokenizer tokenizer, int maxSize) {
        String name = file.toString();
        String text = TextDecoder.read(file, name);
        LinkedHashSet<String> tokens = new LinkedHashSet<>();
        for (String line : text.split("\r?\n")) {
            for (String t : tokenizer.tokenize(line)) {
                if (tokens.size() + Vocabulary.RESERVED >= maxSize) {
                    break;
                }
                tokens.add(t);
            }
        }
        if (tokens.isEmpty()) {
            throw new InputFileException(name, 0, "no token in the vocabulary file; expected one word per line");
        }
        List<String> all = new ArrayList<>();
        all.add(Vocabulary.PAD_TOKEN);
        all.add(Vocabulary.UNK_TOKEN);
        all.addAll(tokens);
        return Vocabulary.of(all);
    }
}
