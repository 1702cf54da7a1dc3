package dev.xueqing.jobs.report;

import dev.xueqing.jobs.ml.SegmentLabels;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The report's two languages: the same keys in both, the same placeholders in each pair, locale formats. */
class ReportTextTest {
    static Properties bundle(String suffix) throws IOException {
        Properties p = new Properties();
        try (InputStream in = ReportTextTest.class.getClassLoader()
                .getResourceAsStream("report/messages_" + suffix + ".properties")) {
            assertThat(in).as(suffix).isNotNull();
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        }
        return p;
    }

    @Test
    void everyKeyExistsInBothLanguagesWithTheSamePlaceholders() throws IOException {
        Properties en = bundle("en");
        Properties zh = bundle("zh_CN");
        assertThat(new TreeSet<>(zh.stringPropertyNames())).as("keys in en missing from zh_CN")
                .containsAll(en.stringPropertyNames());
        assertThat(new TreeSet<>(en.stringPropertyNames())).as("keys in zh_CN missing from en")
                .containsAll(zh.stringPropertyNames());
        for (String key : en.stringPropertyNames()) {
            assertThat(placeholders(zh.getProperty(key))).as(key).isEqualTo(placeholders(en.getProperty(key)));
        }
    }

    private static Set<String> placeholders(String s) {
        Set<String> out = new TreeSet<>();
        Matcher m = Pattern.compile("\\{\\d+}").matcher(s);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    @Test
    void numbersPercentagesAndDatesFollowTheLocale() {
        ReportText en = new ReportText("en", ZoneId.of("Asia/Shanghai"));
        ReportText zh = new ReportText("zh-CN", ZoneId.of("Asia/Shanghai"));
        assertThat(en.percent(0.4567)).isEqualTo("45.7%");
        assertThat(zh.percent(0.4567)).isEqualTo("45.7%");
        assertThat(en.count(12345L)).isEqualTo("12,345");
        assertThat(en.date(LocalDate.of(2026, 9, 13))).isEqualTo("Sep 13, 2026");
        assertThat(zh.date(LocalDate.of(2026, 9, 13))).isEqualTo("2026年9月13日");
        assertThat(en.percent(null)).isEqualTo("–");
        assertThat(zh.t("kpi.reason.min", zh.t("col.active_rate"), zh.percent(0.3), zh.percent(0.5)))
                .isEqualTo("活跃率 30.0%，低于最低标准 50.0%");
        assertThat(en.code("status", "behind")).isEqualTo("Behind");
        assertThat(zh.code("segment", "steady and strong")).isEqualTo("稳定优秀");
        assertThat(en.code("reason", "some_new_reason")).as("an unknown code shows as itself")
                .isEqualTo("some_new_reason");
    }

    @Test
    void everySegmentLabelAndProgressStatusHasWordsInBothLanguages() {
        for (String lang : java.util.List.of("en", "zh-CN")) {
            ReportText t = new ReportText(lang, ZoneId.of("UTC"));
            for (String label : SegmentLabels.LABELS) {
                assertThat(t.has("segment." + label)).as(lang + " segment " + label).isTrue();
            }
            for (String status : CourseView.STATUSES) {
                assertThat(t.has("status." + status)).as(lang + " status " + status).isTrue();
            }
        }
    }
}
