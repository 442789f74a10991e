package org.edp4j.cli.federated;

/**
 * Where {@code edp federated}'s texts come from: the bundled corpus, or the user's labelled file
 * (read by {@link org.edp4j.cli.input.LabelledFiles}), optionally with a column naming each
 * example's device.
 *
 * @param train the training file, or {@code ""} for the bundled SpamAssassin corpus
 * @param test the test file, or {@code ""} ({@code testFraction} of the training file is held out)
 * @param testFraction the held-out fraction of the training file without a test file, in (0, 1)
 * @param textColumn the text column (CSV, TSV) or field (JSON Lines)
 * @param labelColumn the label column or field
 * @param deviceColumn the device column or field, or {@code ""}: the devices are then made by
 *     {@code --partition}
 */
record FederatedInput(String train, String test, double testFraction, String textColumn, String labelColumn,
        String deviceColumn) {

    /** The bundled corpus. */
    static final FederatedInput BUNDLED = new FederatedInput("", "", 0.2, "text", "label", "");

    /** @throws IllegalArgumentException naming the option and what it needs */
    FederatedInput {
        if (train.isEmpty()) {
            require(test.isEmpty(), "--test needs --train (the bundled corpus has its own test split)");
            require(deviceColumn.isEmpty(), "--device-column needs --train (the bundled corpus names no devices)");
        }
        require(testFraction > 0 && testFraction < 1, "--test-fraction must be in (0, 1), got " + testFraction);
        require(!textColumn.isEmpty() && !labelColumn.isEmpty() && !textColumn.equals(labelColumn),
                "--text-column and --label-column must be two different non-empty names");
        require(!deviceColumn.equals(textColumn) && !deviceColumn.equals(labelColumn),
                "--device-column must differ from --text-column and --label-column");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    boolean bundled() {
        return train.isEmpty();
    }

    boolean byDevice() {
        return !deviceColumn.isEmpty();
    }
}
