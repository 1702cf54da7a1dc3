package dev.xueqing.jobs.ml.risk;

import dev.xueqing.common.config.ConfigException;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The temporal split of course runs (run keys such as OULAD's 2013B … 2014J, which sort in time order): models are
 * trained on earlier runs and tested on later ones, never on a run they learned from.
 *
 * <p>With explicit lists ({@code xueqing.risk.split.train} / {@code .test}) those are used (a key in both fails).
 * Otherwise the latest {@code testRuns} keys with labelled rows are the test runs and every earlier key is a training
 * run. Model choice uses a validation run taken from the training runs: the latest training run when there are at
 * least two, else none (the caller then holds out a random share of the training rows).
 */
public record RiskSplit(List<String> train, List<String> validation, List<String> test) {
    public RiskSplit {
        for (String t : test) {
            if (train.contains(t)) {
                throw new IllegalStateException("Run " + t + " is both a training and a test run");
            }
        }
    }

    /** Training runs without the validation run (the runs the candidate models are fitted on). */
    public List<String> fit() {
        return train.stream().filter(r -> !validation.contains(r)).toList();
    }

    public static RiskSplit of(List<String> labelledRuns, int testRuns, List<String> explicitTrain,
                               List<String> explicitTest) {
        List<String> train;
        List<String> test;
        if (!explicitTrain.isEmpty() || !explicitTest.isEmpty()) {
            if (explicitTrain.isEmpty() || explicitTest.isEmpty()) {
                throw new ConfigException("xueqing.risk.split.train and xueqing.risk.split.test must both be given, "
                        + "or neither (then the latest test-runs runs are tested on).");
            }
            for (String t : explicitTest) {
                if (explicitTrain.contains(t)) {
                    throw new ConfigException("xueqing.risk.split: run " + t + " is in both train and test; a model "
                            + "is never tested on a run it learned from.");
                }
            }
            train = List.copyOf(new TreeSet<>(explicitTrain));
            test = List.copyOf(new TreeSet<>(explicitTest));
        } else {
            List<String> runs = new ArrayList<>(new TreeSet<>(labelledRuns));
            if (runs.size() <= testRuns) {
                throw new IllegalStateException("Risk training needs labelled course runs before the " + testRuns
                        + " test run(s); found only " + runs + ". Add older runs or lower xueqing.risk.split.test-runs.");
            }
            train = List.copyOf(runs.subList(0, runs.size() - testRuns));
            test = List.copyOf(runs.subList(runs.size() - testRuns, runs.size()));
        }
        List<String> validation = train.size() >= 2 ? List.of(train.get(train.size() - 1)) : List.of();
        return new RiskSplit(train, validation, test);
    }
}
