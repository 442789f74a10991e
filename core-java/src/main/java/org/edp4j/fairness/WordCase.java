package org.edp4j.fairness;

/**
 * The case pattern of a word, and how to give another word the same pattern. Per code point, with
 * the JDK's locale-free {@link Character} mappings (as {@link org.edp4j.data.Tokenizer} lower-cases), so
 * a swap does not depend on the machine's locale.
 *
 * <ul>
 * <li>{@link #LOWER}: no code point is upper or title case ({@code he}).</li>
 * <li>{@link #TITLE}: the first code point is upper or title case, no other is ({@code He}, and a
 *     one-letter {@code X}).</li>
 * <li>{@link #UPPER}: at least two code points are cased and all cased ones are upper case
 *     ({@code HE}).</li>
 * <li>{@link #MIXED}: anything else ({@code hE}, {@code McDonald}).</li>
 * </ul>
 */
enum WordCase {
    LOWER, TITLE, UPPER, MIXED;

    /** @return the pattern of {@code word} (class comment) */
    static WordCase of(String word) {
        int cased = 0;
        int upper = 0;
        boolean firstUpper = false;
        boolean restUpper = false;
        boolean first = true;
        for (int i = 0; i < word.length(); ) {
            int cp = word.codePointAt(i);
            i += Character.charCount(cp);
            boolean up = Character.isUpperCase(cp) || Character.isTitleCase(cp);
            if (up || Character.isLowerCase(cp)) {
                cased++;
            }
            if (up) {
                upper++;
                if (first) {
                    firstUpper = true;
                } else {
                    restUpper = true;
                }
            }
            first = false;
        }
        if (upper == 0) {
            return LOWER;
        }
        if (firstUpper && !restUpper) {
            return TITLE;
        }
        return cased >= 2 && upper == cased ? UPPER : MIXED;
    }

    /**
     * @param lower a lower-case word
     * @return the word in this pattern: as is ({@link #LOWER}), first code point title-cased
     *     ({@link #TITLE}, and {@link #MIXED} words that start upper case), every code point upper-cased
     *     ({@link #UPPER}); a {@link #MIXED} word that starts lower case gets the lower-case word
     */
    String apply(String lower, boolean startsUpper) {
        return switch (this) {
            case LOWER -> lower;
            case TITLE -> title(lower);
            case UPPER -> upper(lower);
            case MIXED -> startsUpper ? title(lower) : lower;
        };
    }

    static String lower(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> sb.appendCodePoint(Character.toLowerCase(cp)));
        return sb.toString();
    }

    static String upper(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> sb.appendCodePoint(Character.toUpperCase(cp)));
        return sb.toString();
    }

    static String title(String s) {
        if (s.isEmpty()) {
            return s;
        }
        int cp = s.codePointAt(0);
        return new StringBuilder(s.length()).appendCodePoint(Character.toTitleCase(cp))
                .append(s, Character.charCount(cp), s.length()).toString();
    }

    static boolean startsUpper(String s) {
        if (s.isEmpty()) {
            return false;
        }
        int cp = s.codePointAt(0);
        return Character.isUpperCase(cp) || Character.isTitleCase(cp);
    }
}
