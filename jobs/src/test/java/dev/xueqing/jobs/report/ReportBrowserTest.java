package dev.xueqing.jobs.report;

import dev.xueqing.jobs.testing.ReportBrowser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The browser check itself: a page that asks the network for something is caught (the request is listed and
 * fails), and a script error is reported. Without this, "no request left the folder" could pass by seeing nothing.
 */
class ReportBrowserTest {
    @TempDir
    Path tmp;

    @Test
    void aRequestToTheNetworkAndAScriptErrorAreCaught() throws Exception {
        Path page = tmp.resolve("leaky.html");
        Files.writeString(page, "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>t</title></head><body>"
                + "<img src=\"https://cdn.example.org/logo.png\"><script>undefinedFunction();</script></body></html>");
        try (ReportBrowser b = new ReportBrowser()) {
            ReportBrowser.PageCheck c = b.open(page);
            assertThat(c.resources()).contains(page.toUri().toString(), "https://cdn.example.org/logo.png");
            assertThat(c.errors()).anySatisfy(e -> assertThat(e).contains("undefinedFunction"));
            assertThat(c.errors()).anySatisfy(e -> assertThat(e).contains("logo.png"));
        }
    }
}
