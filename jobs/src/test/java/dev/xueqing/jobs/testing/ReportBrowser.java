package dev.xueqing.jobs.testing;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The report as a person sees it: Debian's headless Chromium driven through its chromedriver (Selenium), with the
 * network blocked (every http/https/ws request is refused by the browser, and host names resolve to nothing), and
 * every console error and uncaught exception of a page recorded from before its first script runs.
 *
 * <p>Needs the packages {@code chromium}, {@code chromium-driver} and, for Chinese, {@code fonts-noto-cjk}
 * ({@code bin/test} installs them); fails with that message when they are missing.
 */
public final class ReportBrowser implements AutoCloseable {
    /** What a page did once loaded. */
    public record PageCheck(String url, List<String> errors, List<String> resources, int charts, int rendered,
                            int emptyCharts) {}

    static final String RECORD_ERRORS = "window.__xqErrors = [];"
            + "window.addEventListener('error', function (e) { window.__xqErrors.push('error: ' + (e.message || "
            + "(e.target && (e.target.src || e.target.href)) || e)); }, true);"
            + "window.addEventListener('unhandledrejection', function (e) { window.__xqErrors.push('rejection: ' + "
            + "e.reason); });"
            + "(function () { var orig = console.error; console.error = function () { window.__xqErrors.push("
            + "'console.error: ' + Array.prototype.join.call(arguments, ' ')); return orig.apply(console, arguments); };"
            + "})();";

    private final ChromeDriver driver;

    public ReportBrowser() {
        String chromium = which("chromium", "/usr/bin/chromium");
        String chromedriver = which("chromedriver", "/usr/bin/chromedriver");
        if (chromium == null || chromedriver == null) {
            throw new IllegalStateException("The report's browser test needs Chromium and its driver: install the "
                    + "Debian packages chromium, chromium-driver and fonts-noto-cjk (bin/test installs them).");
        }
        ChromeOptions o = new ChromeOptions();
        o.setBinary(chromium);
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,1800", "--hide-scrollbars", "--force-device-scale-factor=1",
                // no network: names resolve to nothing, and anything that still tries goes to a closed local port
                "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=http://127.0.0.1:9",
                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-default-apps", "--allow-file-access-from-files");
        // the performance log lists every request the page made (resource timing leaves file: loads out);
        // the browser log has the loads that failed
        o.setCapability("goog:loggingPrefs", Map.of("performance", "ALL", "browser", "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(chromedriver)).usingAnyFreePort().build();
        driver = new ChromeDriver(service, o);
        driver.executeCdpCommand("Network.enable", Map.of());
        driver.executeCdpCommand("Network.setBlockedURLs",
                Map.of("urls", List.of("http://*", "https://*", "ws://*", "wss://*", "ftp://*")));
        driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", RECORD_ERRORS));
    }

    private static String which(String command, String fallback) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            Path p = Path.of(dir, command);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return Files.isExecutable(Path.of(fallback)) ? fallback : null;
    }

    public ChromeDriver driver() {
        return driver;
    }

    /**
     * Opens a page, waits until its scripts ran and every chart says it was drawn (or 20 s passed), and reports its
     * errors, the resources it loaded, and its charts: how many, how many drawn, how many drawn with no shape.
     */
    public PageCheck open(Path page) {
        driver.manage().logs().get("performance");   // drops what earlier pages logged
        driver.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER);
        driver.get(page.toUri().toString());
        JavascriptExecutor js = driver;
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < until && !("complete".equals(js.executeScript("return document.readyState"))
                && (Boolean) js.executeScript("return Array.prototype.every.call(document.querySelectorAll("
                + "'.chart-canvas'), function (e) { return e.getAttribute('data-rendered') === 'true'; })"))) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        @SuppressWarnings("unchecked")
        List<String> errors = new ArrayList<>((List<String>) js.executeScript("return window.__xqErrors || []"));
        for (var e : driver.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER)) {
            if (e.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue()) {
                errors.add("console: " + e.getMessage());
            }
        }
        List<String> resources = new ArrayList<>();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (var e : driver.manage().logs().get("performance")) {
            try {
                var m = json.readTree(e.getMessage()).path("message");
                if ("Network.requestWillBeSent".equals(m.path("method").asText())) {
                    resources.add(m.path("params").path("request").path("url").asText());
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
                throw new IllegalStateException("unreadable performance log entry: " + e.getMessage(), ex);
            }
        }
        List<WebElement> charts = driver.findElements(By.cssSelector(".chart-canvas"));
        int rendered = 0;
        int empty = 0;
        for (WebElement c : charts) {
            if ("true".equals(c.getAttribute("data-rendered"))) {
                rendered++;
                Long shapes = (Long) js.executeScript("var s = arguments[0].querySelector('svg'); return s ? "
                        + "s.querySelectorAll('path, rect, circle, polyline, line, text').length : 0", c);
                if (shapes == null || shapes == 0) {
                    empty++;
                }
            }
        }
        return new PageCheck(page.toUri().toString(), errors, resources, charts.size(), rendered, empty);
    }

    /** Whether the page can draw text in the font family (document.fonts knows it is installed). */
    public boolean fontAvailable(String family, String sample) {
        return (Boolean) ((JavascriptExecutor) driver).executeScript(
                "return document.fonts.check('16px \"' + arguments[0] + '\"', arguments[1])", family, sample);
    }

    /** Saves a screenshot of the current page's viewport. */
    public void screenshot(Path to) throws IOException {
        Files.createDirectories(to.getParent());
        File f = driver.getScreenshotAs(OutputType.FILE);
        Files.copy(f.toPath(), to, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The text of a table's cell: table id, the row whose cells contain every given text, the column index. */
    public String cell(String tableId, List<String> rowTexts, int column) {
        for (WebElement tr : driver.findElements(By.cssSelector("#" + tableId + " tbody tr"))) {
            List<WebElement> tds = tr.findElements(By.tagName("td"));
            List<String> texts = tds.stream().map(ReportBrowser::text).toList();
            if (texts.containsAll(rowTexts)) {
                return texts.get(column);
            }
        }
        throw new AssertionError("no row of #" + tableId + " has " + rowTexts);
    }

    /** A cell's visible text without the below-standard mark. */
    private static String text(WebElement td) {
        return td.getText().replace("▲", "").trim();
    }

    @Override
    public void close() {
        driver.quit();
    }
}
