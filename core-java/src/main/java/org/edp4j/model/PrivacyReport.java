package org.edp4j.model;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a saved model's training spent and how: the guarantee that covers everything the file holds
 * (its parameters and its vocabulary), part by part and in total. Numbers that do not apply are NaN.
 *
 * @param epsilon the total epsilon at {@code delta} (vocabulary and training composed; the run
 *     enforced it), by {@code accountant}
 * @param epsilonPrv the same total by the tighter PRV accountant (at most {@code epsilon})
 * @param delta the total delta, in (0, 1)
 * @param accountant the accountant the run was calibrated and enforced with ({@code rdp})
 * @param vocabularyEpsilon the vocabulary's own epsilon at {@code delta} (0 for a hashed or public
 *     vocabulary)
 * @param trainingEpsilon DP-SGD's own epsilon at {@code delta}
 * @param vocabulary how the vocabulary was made: {@code dp k=.. sigma=.. threshold=.. p=..},
 *     {@code hashed:V} or {@code file SHA-256=..}
 * @param noiseMultiplier sigma of the first epoch
 * @param noiseSchedule {@code constant} or {@code decay:R}
 * @param sampleRate Poisson sampling rate q
 * @param steps DP-SGD steps taken
 * @param clipping the clipping mode ({@code flat}, {@code per-layer}, {@code automatic}, {@code adaptive})
 * @param clipBound the clip bound C (the initial one for adaptive)
 * @param insecureNoise true when the noise key was derived from a seed: then the model is NOT private
 * @param accountantState the accountant's full history ({@link org.edp4j.privacy.PrivacyAccountant#saveState()})
 */
public record PrivacyReport(double epsilon, double epsilonPrv, double delta, String accountant, double vocabularyEpsilon,
        double trainingEpsilon, String vocabulary, double noiseMultiplier, String noiseSchedule, double sampleRate,
        long steps, String clipping, double clipBound, boolean insecureNoise, String accountantState) {

    /**
     * The report of a model trained without differential privacy (the comparison run of
     * {@code edp train}): epsilon infinite, no noise, no clipping, no accountant history.
     *
     * @param delta the run's delta setting (kept for reference; no guarantee holds)
     * @param vocabulary how the vocabulary was made
     * @param sampleRate the Poisson sampling rate of its batches
     * @param steps the steps taken
     * @return the report
     */
    public static PrivacyReport nonPrivate(double delta, String vocabulary, double sampleRate, long steps) {
        return new PrivacyReport(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, delta, "none", Double.NaN,
                Double.NaN, vocabulary, 0, "none", sampleRate, steps, "none", Double.NaN, false, "none");
    }

    /** @return whether the model was trained with differential privacy (a finite epsilon) */
    public boolean isPrivate() {
        return Double.isFinite(epsilon);
    }

    /** Every field as text; doubles as {@link Double#toString} (exact round trip). */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("epsilon", Double.toString(epsilon));
        m.put("epsilon-prv", Double.toString(epsilonPrv));
        m.put("delta", Double.toString(delta));
        m.put("accountant", accountant);
        m.put("epsilon-vocabulary", Double.toString(vocabularyEpsilon));
        m.put("epsilon-training", Double.toString(trainingEpsilon));
        m.put("vocabulary", vocabulary);
        m.put("noise-multiplier", Double.toString(noiseMultiplier));
        m.put("noise-schedule", noiseSchedule);
        m.put("sample-rate", Double.toString(sampleRate));
        m.put("steps", Long.toString(steps));
        m.put("clipping", clipping);
        m.put("clip", Double.toString(clipBound));
        m.put("insecure-seed-noise", Boolean.toString(insecureNoise));
        m.put("accountant-state", accountantState);
        return m;
    }

    /**
     * @param m a map from {@link #toMap()}
     * @return the report
     * @throws IllegalArgumentException when a key is missing or a number does not parse
     */
    public static PrivacyReport fromMap(Map<String, String> m) {
        return new PrivacyReport(SavedModel.getDouble(m, "epsilon"), SavedModel.getDouble(m, "epsilon-prv"),
                SavedModel.getDouble(m, "delta"), SavedModel.get(m, "accountant"),
                SavedModel.getDouble(m, "epsilon-vocabulary"), SavedModel.getDouble(m, "epsilon-training"),
                SavedModel.get(m, "vocabulary"), SavedModel.getDouble(m, "noise-multiplier"),
                SavedModel.get(m, "noise-schedule"), SavedModel.getDouble(m, "sample-rate"),
                SavedModel.getLong(m, "steps"), SavedModel.get(m, "clipping"), SavedModel.getDouble(m, "clip"),
                Boolean.parseBoolean(SavedModel.get(m, "insecure-seed-noise")), SavedModel.get(m, "accountant-state"));
    }

    /** A few lines for people: the total and its parts, then how the noise was set. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        if (!isPrivate()) {
            return String.format(Locale.ROOT, "NOT PRIVATE: trained without differential privacy (epsilon infinite; "
                    + "vocabulary %s, q %.5f, %d steps)%n", vocabulary, sampleRate, steps);
        }
        sb.append(String.format(Locale.ROOT, "epsilon %.4f total at delta %.1e (%s; PRV %.4f), composed of:%n", epsilon,
                delta, accountant, epsilonPrv));
        sb.append(String.format(Locale.ROOT, "  vocabulary   epsilon %.4f alone (%s)%n", vocabularyEpsilon, vocabulary));
        sb.append(String.format(Locale.ROOT, "  DP-SGD       epsilon %.4f alone (noise multiplier %.4f, %s, q %.5f, "
                + "%d steps, %s clipping at %s)%n", trainingEpsilon, noiseMultiplier, noiseSchedule, sampleRate, steps,
                clipping, clipBound));
        if (insecureNoise) {
            sb.append("NOT PRIVATE: the noise key was derived from --seed (--insecure-seed-noise)\n");
        }
        return sb.toString();
    }
}
