package org.edp4j.data;

import java.util.Objects;

/**
 * One labelled text: the unit of a {@link TextDataset} and, in private training, the unit of
 * privacy (one example is one email).
 *
 * @param text  the text; not null, may be empty
 * @param label the class index, {@code >= 0}; its name is {@link TextDataset#classNames()}{@code .get(label)}
 * @param group the source group the text came from (for SpamAssassin one of {@code easy-ham-1},
 *              {@code easy-ham-2}, {@code hard-ham-1}, {@code spam-1}, {@code spam-2}); not null
 * @param id    an identifier unique within its group (for SpamAssassin the five-digit number that
 *              starts the message's file name); not null, may be empty when unknown
 */
public record TextExample(String text, int label, String group, String id) {

    /**
     * Checks the components.
     *
     * @param text  the text; not null
     * @param label the class index, {@code >= 0}
     * @param group the source group; not null
     * @param id    the id within the group; not null
     * @throws NullPointerException     if text, group or id is null
     * @throws IllegalArgumentException if label is negative
     */
    public TextExample {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(id, "id");
        if (label < 0) {
            throw new IllegalArgumentException("label must be >= 0, got " + label);
        }
    }

    /**
     * An example with an empty id.
     *
     * @param text  the text; not null
     * @param label the class index, {@code >= 0}
     * @param group the source group; not null
     */
    public TextExample(String text, int label, String group) {
        this(text, label, group, "");
    }
}
