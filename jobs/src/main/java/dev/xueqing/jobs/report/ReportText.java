package dev.xueqing.jobs.report;

import java.text.MessageFormat;
import java.text.NumberFormat;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.ResourceBundle;

/**
 * The report's words and number formats in one language: labels from the {@code report/messages} resource bundle
 * (UTF-8 properties, one file per language), numbers, percentages, dates and times formatted for the locale.
 * Null values print as the bundle's "no value" word, never as "null" or an empty cell. Rounding is half up (12.25
 * shows as 12.3), as people round by hand.
 */
public final class ReportText {
    /** Bundle base name: report/messages_en.properties, report/messages_zh_CN.properties. */
    public static final String BUNDLE = "report.messages";

    private final String tag;
    private final Locale locale;
    private final ResourceBundle bundle;
    private final ZoneId zone;

    /** The report's text for a language tag of {@code XueqingConfig.Report.LOCALES} (zh-CN, en). */
    public ReportText(String languageTag, ZoneId zone) {
        this.tag = languageTag;
        this.locale = Locale.forLanguageTag(languageTag);
        // no fallback to the JVM's default locale: a missing language must not silently show another one
        this.bundle = ResourceBundle.getBundle(BUNDLE, locale, ResourceBundle.Control.getNoFallbackControl(
                ResourceBundle.Control.FORMAT_PROPERTIES));
        this.zone = zone;
    }

    /** The BCP 47 tag, for the page's {@code lang} attribute. */
    public String tag() {
        return tag;
    }

    public Locale locale() {
        return locale;
    }

    public ZoneId zone() {
        return zone;
    }

    /** The label of a key; with arguments, formatted by {@link MessageFormat} in the locale. */
    public String t(String key, Object... args) {
        String pattern;
        try {
            pattern = bundle.getString(key);
        } catch (MissingResourceException e) {
            throw new IllegalStateException("The report has no text for '" + key + "' in " + tag, e);
        }
        return args.length == 0 ? pattern : new MessageFormat(pattern, locale).format(args);
    }

    /** Whether the bundle has the key (labels of optional codes such as a quarantine reason). */
    public boolean has(String key) {
        return bundle.containsKey(key);
    }

    /** The label of a code under a prefix ("status.behind"), or the code itself when the bundle has none. */
    public String code(String prefix, String code) {
        if (code == null) {
            return none();
        }
        return has(prefix + "." + code) ? t(prefix + "." + code) : code;
    }

    /** The word shown for a missing value. */
    public String none() {
        return t("value.none");
    }

    /** A count with the locale's grouping: 12,345. */
    public String count(Number n) {
        return n == null ? none() : NumberFormat.getIntegerInstance(locale).format(n);
    }

    /** A share 0..1 as a percentage with one decimal: 45.2%. */
    public String percent(Double share) {
        if (share == null || share.isNaN()) {
            return none();
        }
        NumberFormat f = NumberFormat.getPercentInstance(locale);
        f.setMinimumFractionDigits(1);
        f.setMaximumFractionDigits(1);
        f.setRoundingMode(java.math.RoundingMode.HALF_UP);
        return f.format(share);
    }

    /** A decimal with the given number of fraction digits. */
    public String decimal(Double v, int digits) {
        if (v == null || v.isNaN()) {
            return none();
        }
        NumberFormat f = NumberFormat.getNumberInstance(locale);
        f.setMinimumFractionDigits(digits);
        f.setMaximumFractionDigits(digits);
        f.setRoundingMode(java.math.RoundingMode.HALF_UP);
        return f.format(v);
    }

    /** A date in the locale's medium style: 2026年9月13日, Sep 13, 2026. */
    public String date(LocalDate d) {
        return d == null ? none() : DateTimeFormatter.ofLocalizedDate(FormatStyle.MEDIUM).withLocale(locale).format(d);
    }

    /** A short date for chart axes and week columns: 2026/9/13, 9/13/26. */
    public String shortDate(LocalDate d) {
        return d == null ? none() : DateTimeFormatter.ofLocalizedDate(FormatStyle.SHORT).withLocale(locale).format(d);
    }

    /** A moment in the tenant's time zone, medium date and short time. */
    public String dateTime(Instant at) {
        return at == null ? none() : DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM, FormatStyle.SHORT)
                .withLocale(locale).withZone(zone).format(at);
    }
}
