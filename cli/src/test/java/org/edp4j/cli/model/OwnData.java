package org.edp4j.cli.model;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** A small labelled CSV a user could have written: three topics, quoted commas and line breaks. */
public final class OwnData {
    private OwnData() {
    }

    static final String[][] WORDS = {
        {"goal", "match", "team", "score", "league"},
        {"vote", "party", "election", "senate", "policy"},
        {"recipe", "oven", "flour", "bake", "sugar"},
    };
    static final String[] LABELS = {"sport", "politics", "cooking"};
    static final String[] COMMON = {"the", "a", "today", "news", "people", "we"};

    /** {@code n} rows, seeded; every few rows a quoted field with a comma or a line break. */
    public static Path write(Path dir, String name, int n, long seed) throws Exception {
        SplittableRandom rng = new SplittableRandom(seed);
        StringBuilder sb = new StringBuilder("id,text,label\n");
        for (int i = 0; i < n; i++) {
            int c = rng.nextInt(3);
            StringBuilder t = new StringBuilder();
            int len = 4 + rng.nextInt(6);
            for (int w = 0; w < len; w++) {
                String word = rng.nextInt(3) == 0 ? COMMON[rng.nextInt(COMMON.length)]
                        : WORDS[c][rng.nextInt(WORDS[c].length)];
                t.append(word).append(w % 4 == 3 ? (i % 2 == 0 ? ", " : "\n") : " ");
            }
            sb.append(i).append(",\"").append(t.toString().strip()).append("\",").append(LABELS[c]).append('\n');
        }
        Path p = dir.resolve(name);
        Files.writeString(p, sb.toString(), StandardCharsets.UTF_8);
        return p;
    }
}
