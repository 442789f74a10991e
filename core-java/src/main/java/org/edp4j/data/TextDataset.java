package org.edp4j.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable, ordered list of {@link TextExample}s together with the names of their classes.
 * Every label lies in {@code [0, classNames().size())}.
 *
 * <p>Instances come from {@link #of(List, List)} or from a loader such as {@link SpamAssassin#load()}.
 * The order of the examples is the order they were given in; it is part of the dataset (indices into
 * it are stable), so a sampler that needs a random order draws indices instead of reordering.
 */
public final class TextDataset implements Iterable<TextExample> {

    private final List<TextExample> examples;
    private final List<String> classNames;

    private TextDataset(List<TextExample> examples, List<String> classNames) {
        this.examples = examples;
        this.classNames = classNames;
    }

    /**
     * Makes a dataset. Both lists are copied; later changes to them do not affect the dataset.
     *
     * @param examples   the examples, not null, no null element; may be empty
     * @param classNames the class names, index = label; at least one, none null, all distinct
     * @return the dataset
     * @throws NullPointerException     if a list or an element is null
     * @throws IllegalArgumentException if classNames is empty or has duplicates, or an example's label
     *                                  is not in {@code [0, classNames.size())}
     */
    public static TextDataset of(List<TextExample> examples, List<String> classNames) {
        Objects.requireNonNull(examples, "examples");
        Objects.requireNonNull(classNames, "classNames");
        List<String> names = List.copyOf(classNames);
        if (names.isEmpty()) {
            throw new IllegalArgumentException("classNames must have at least one class, got none");
        }
        if (names.stream().distinct().count() != names.size()) {
            throw new IllegalArgumentException("classNames must be distinct, got " + names);
        }
        List<TextExample> copy = List.copyOf(examples);
        for (int i = 0; i < copy.size(); i++) {
            int label = copy.get(i).label();
            if (label >= names.size()) {
                throw new IllegalArgumentException("examples[" + i + "].label must be in [0, "
                        + names.size() + "), got " + label);
            }
        }
        return new TextDataset(copy, names);
    }

    /** @return the number of examples */
    public int size() {
        return examples.size();
    }

    /**
     * @param index the example index, in {@code [0, size())}
     * @return the example at index
     * @throws IndexOutOfBoundsException if index is out of range
     */
    public TextExample get(int index) {
        return examples.get(index);
    }

    /** @return the examples, unmodifiable */
    public List<TextExample> examples() {
        return examples;
    }

    /** @return the class names, unmodifiable; label {@code k} is named {@code classNames().get(k)} */
    public List<String> classNames() {
        return classNames;
    }

    /** @return the number of classes, {@code classNames().size()} */
    public int numClasses() {
        return classNames.size();
    }

    /** @return the texts in dataset order, unmodifiable */
    public List<String> texts() {
        List<String> texts = new ArrayList<>(examples.size());
        for (TextExample e : examples) {
            texts.add(e.text());
        }
        return Collections.unmodifiableList(texts);
    }

    /** @return a new array with the labels in dataset order */
    public int[] labels() {
        int[] labels = new int[examples.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = examples.get(i).label();
        }
        return labels;
    }

    /** @return a new array of length {@link #numClasses()}: how many examples have each label */
    public int[] labelCounts() {
        int[] counts = new int[classNames.size()];
        for (TextExample e : examples) {
            counts[e.label()]++;
        }
        return counts;
    }

    /** @return how many examples each group has, groups in order of first appearance, unmodifiable */
    public Map<String, Integer> groupCounts() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (TextExample e : examples) {
            counts.merge(e.group(), 1, Integer::sum);
        }
        return Collections.unmodifiableMap(counts);
    }

    @Override
    public Iterator<TextExample> iterator() {
        return examples.iterator();
    }

    @Override
    public String toString() {
        return "TextDataset[size=" + examples.size() + ", classNames=" + classNames + "]";
    }
}
