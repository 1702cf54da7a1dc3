package dev.xueqing.jobs.ingest.xapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the statement cases of the ADL xAPI LRS conformance suite (rendered to
 * {@code shared/data/xapi-conformance/*.jsonl}) through {@link XapiValidator} and measures agreement: a case agrees
 * when the validator finds no violation exactly when a conforming LRS answers 200. Prints the agreement per version
 * and per suite file, and the disagreeing cases; skipped when the shared data folder is absent.
 */
class XapiConformanceTest {
    /** Agreement floors per version, just under what the validator reaches (see the printed table). */
    private static final Map<String, Double> FLOORS = Map.of("v1_0_3", 0.995, "v2_0", 0.995);

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void validatorAgreesWithTheConformanceSuite() throws IOException {
        Path folder = conformanceFolder();
        Assumptions.assumeTrue(folder != null, "shared/data/xapi-conformance not found; conformance run skipped");
        XapiValidator validator = new XapiValidator();
        StringBuilder report = new StringBuilder("\nxAPI conformance agreement (valid <=> expected 200)\n");
        report.append(String.format("%-8s %-24s %6s %6s %7s%n", "version", "config_file", "agree", "total", "%"));
        List<String> disagreements = new ArrayList<>();
        Map<String, double[]> perVersion = new TreeMap<>();
        for (String version : FLOORS.keySet().stream().sorted().toList()) {
            Path file = folder.resolve(version + ".jsonl");
            Assumptions.assumeTrue(Files.isRegularFile(file), file + " not found");
            Map<String, int[]> perFile = new TreeMap<>();
            int agree = 0;
            int total = 0;
            try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (line.isBlank()) {
                        continue;
                    }
                    JsonNode testCase = JSON.readTree(line);
                    boolean expectValid = testCase.path("expect").path(0).asInt() == 200;
                    List<XapiValidator.Violation> violations = validator.validate(testCase.get("statement"));
                    boolean ok = violations.isEmpty() == expectValid;
                    int[] counts = perFile.computeIfAbsent(testCase.path("config_file").asText(), k -> new int[2]);
                    counts[1]++;
                    total++;
                    if (ok) {
                        counts[0]++;
                        agree++;
                    } else {
                        disagreements.add(version + " " + testCase.path("config_file").asText() + " expect "
                                + (expectValid ? 200 : 400) + " | " + testCase.path("case").asText()
                                + (violations.isEmpty() ? "" : " | " + violations.get(0).detail()));
                    }
                }
            }
            for (Map.Entry<String, int[]> e : perFile.entrySet()) {
                int[] c = e.getValue();
                report.append(String.format("%-8s %-24s %6d %6d %6.1f%%%n", version, e.getKey(), c[0], c[1],
                        100.0 * c[0] / c[1]));
            }
            report.append(String.format("%-8s %-24s %6d %6d %6.1f%%%n%n", version, "ALL", agree, total,
                    100.0 * agree / total));
            perVersion.put(version, new double[] {agree, total});
        }
        report.append("Disagreements (").append(disagreements.size()).append("):\n");
        disagreements.forEach(d -> report.append("  ").append(d).append('\n'));
        System.out.print(report);

        for (Map.Entry<String, double[]> e : perVersion.entrySet()) {
            double share = e.getValue()[0] / e.getValue()[1];
            assertThat(share).as("agreement on %s", e.getKey()).isGreaterThanOrEqualTo(FLOORS.get(e.getKey()));
        }
    }

    /** The conformance folder from -Dxueqing.shared.data, else ../shared/data or ../../shared/data; null if none. */
    static Path conformanceFolder() {
        List<Path> candidates = new ArrayList<>();
        String property = System.getProperty("xueqing.shared.data");
        if (property != null && !property.isBlank()) {
            candidates.add(Path.of(property));
        }
        candidates.add(Path.of("../shared/data"));
        candidates.add(Path.of("../../shared/data"));
        for (Path base : candidates) {
            Path folder = base.resolve("xapi-conformance");
            if (Files.isDirectory(folder)) {
                return folder;
            }
        }
        return null;
    }
}
