package org.condition4j.notebooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The built book in a real browser: the system's Chromium, headless and cut off from every
 * external host, opens every page from the file system at a desktop and a phone width and checks
 * that nothing overflows sideways (wide tables scroll in their own box), every image loaded, the
 * sidebar and the search box are there, a search finds a word from the notebooks, and every
 * resource a page loaded came from the book's folder. Screenshots of the landing page, one
 * notebook and one card at both widths go to {@code screenshots}.
 *
 * <p>Skipped (with the reason) where Chromium or its driver is not installed: on Debian or Ubuntu
 * {@code apt-get install chromium chromium-driver}.
 */
final class BrowserCheck {
    static final int DESKTOP = 1400;
    static final int PHONE = 390;
    /** A word every run's notebooks use, so a search for it must find pages. */
    static final String SEARCH_WORD = "calibration";

    private static final ObjectMapper JSON = new ObjectMapper();

    private BrowserCheck() {}

    /** Chromium and chromedriver from the PATH (or CHROMIUM / CHROMEDRIVER), if both are installed. */
    static Optional<Path[]> installed() {
        Optional<Path> browser = executable(System.getenv("CHROMIUM"), "chromium", "chromium-browser", "google-chrome");
        Optional<Path> driver = executable(System.getenv("CHROMEDRIVER"), "chromedriver");
        return browser.isPresent() && driver.isPresent() ? Optional.of(new Path[] {browser.get(), driver.get()}) : Optional.empty();
    }

    private static Optional<Path> executable(String override, String... names) {
        if (override != null && !override.isBlank()) {
            return Optional.of(Path.of(override)).filter(Files::isExecutable);
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : names) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    static void check(Path site, Path screenshots) throws IOException {
        Optional<Path[]> chromium = installed();
        assumeTrue(chromium.isPresent(), "Skipped the book's browser check: no Chromium and chromedriver on the PATH "
                + "(install them with: apt-get install chromium chromium-driver)");
        List<Path> pages;
        try (Stream<Path> files = Stream.concat(Files.list(site), Files.list(site.resolve("cards")))) {
            pages = files.filter(p -> p.toString().endsWith(".html"))
                    .filter(p -> !p.getFileName().toString().equals("genindex.html")).sorted().toList();
        }
        Files.createDirectories(screenshots);
        ChromeDriver browser = start(chromium.get()[0], chromium.get()[1]);
        try {
            List<String> problems = new ArrayList<>();
            for (int width : new int[] {DESKTOP, PHONE}) {
                browser.manage().window().setSize(new Dimension(width, width == PHONE ? 844 : 900));
                for (Path page : pages) {
                    problems.addAll(checkPage(browser, site, page, width));
                }
                shoot(browser, site.resolve("index.html"), screenshots.resolve("book-landing-" + width + ".png"));
                shoot(browser, firstMatching(pages, "05_"), screenshots.resolve("book-notebook-" + width + ".png"));
                shoot(browser, firstMatching(pages, "pcqat"), screenshots.resolve("book-card-" + width + ".png"));
            }
            assertEquals(List.of(), problems, "the book in headless Chromium");
            checkSearch(browser, site);
        } finally {
            browser.quit();
        }
    }

    private static ChromeDriver start(Path chromium, Path chromedriver) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-default-apps",
                "--disable-sync", "--disable-extensions", "--no-first-run", "--hide-scrollbars",
                // every host name resolves to nothing: a page that reaches out fails to load it
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost");
        // every request the browser sends, failed ones included, shows in the performance log
        options.setCapability("goog:loggingPrefs", java.util.Map.of("performance", "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    /** What is wrong with one page at one width, in words; empty when it reads well. */
    @SuppressWarnings("unchecked")
    private static List<String> checkPage(ChromeDriver browser, Path site, Path page, int width) {
        String name = site.relativize(page) + " at " + width + " px";
        browser.get(page.toUri().toString());
        JavascriptExecutor js = browser;
        List<String> problems = new ArrayList<>();
        // images below the fold load lazily: ask for all, then wait for every one to settle
        js.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "const images = Array.from(document.images);"
                + "images.forEach(i => i.loading = 'eager');"
                + "Promise.all(images.map(i => i.complete ? null : new Promise(r => { i.onload = r; i.onerror = r; })))"
                + ".then(() => done(null));");
        List<String> broken = (List<String>) js.executeScript(
                "return Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src);");
        if (!broken.isEmpty()) {
            problems.add(name + ": images that did not load " + broken);
        }
        long scrollWidth = (Long) js.executeScript("return document.scrollingElement.scrollWidth;");
        long innerWidth = (Long) js.executeScript("return window.innerWidth;");
        if (scrollWidth > innerWidth) {
            // name the outermost elements that stick out, so the message says what to fix
            Object culprits = js.executeScript("const w = window.innerWidth;"
                    + "const clipped = e => { for (let a = e.parentElement; a; a = a.parentElement) {"
                    + "  if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(a).overflowX)) return true; } return false; };"
                    + "const out = [];"
                    + "for (const e of document.body.querySelectorAll('*')) {"
                    + "  if (e.getBoundingClientRect().right > w + 1 && !clipped(e) && !out.some(o => o.contains(e))) out.push(e); }"
                    + "return out.slice(0, 4).map(e => e.tagName.toLowerCase() + '.' + e.className + ' '"
                    + "  + (e.textContent || '').trim().slice(0, 40));");
            problems.add(name + ": overflows sideways (" + scrollWidth + " px wide in a " + innerWidth + " px window: "
                    + culprits + ")");
        }
        if (width == DESKTOP) { // the landing page's comparison fits a desktop window without scrolling
            List<String> scrolled = (List<String>) js.executeScript("return Array.from(document.querySelectorAll('.comparison'))"
                    + ".filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent.trim().slice(0, 40));");
            if (!scrolled.isEmpty()) {
                problems.add(name + ": comparison tables wider than the page " + scrolled);
            }
        }
        List<String> outside = new ArrayList<>((List<String>) js.executeScript("return performance.getEntriesByType('resource')"
                + ".map(e => e.name).filter(n => !n.startsWith('file:') && !n.startsWith('data:'));"));
        outside.addAll(requestsLeavingTheBook(browser));
        if (!outside.isEmpty()) {
            problems.add(name + ": requested from outside the book " + outside);
        }
        if (browser.findElements(By.cssSelector("nav.bd-docs-nav a")).size() < 2) {
            problems.add(name + ": no navigation sidebar");
        }
        if (browser.findElements(By.cssSelector("form.bd-search, .search-button-field, input[name='q']")).isEmpty()) {
            problems.add(name + ": no search box");
        }
        if (page.getFileName().toString().matches("\\d\\d_.*\\.html")
                && browser.findElements(By.cssSelector(".prev-next-area a")).isEmpty()) {
            problems.add(name + ": no previous/next links");
        }
        return problems;
    }

    /** The URLs of requests since the last call that were not for a file, a data: URI or the like. */
    private static List<String> requestsLeavingTheBook(ChromeDriver browser) {
        List<String> urls = new ArrayList<>();
        for (LogEntry entry : browser.manage().logs().get("performance")) {
            try {
                JsonNode message = JSON.readTree(entry.getMessage()).path("message");
                if (message.path("method").asText().equals("Network.requestWillBeSent")) {
                    String url = message.path("params").path("request").path("url").asText();
                    if (!url.matches("^(file|data|blob|about|chrome|devtools):.*")) {
                        urls.add(url);
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException("unreadable performance log entry: " + entry.getMessage(), e);
            }
        }
        return urls;
    }

    /** Sphinx's search runs in the page from searchindex.js, so it works from the file system too. */
    private static void checkSearch(ChromeDriver browser, Path site) {
        browser.get(site.resolve("search.html").toUri() + "?q=" + SEARCH_WORD);
        boolean found = false;
        for (long deadline = System.nanoTime() + 20_000_000_000L; !found && System.nanoTime() < deadline; ) {
            found = !browser.findElements(By.cssSelector("#search-results li a")).isEmpty();
            if (!found) {
                sleep(200);
            }
        }
        assertTrue(found, "searching the book for '" + SEARCH_WORD + "' found no page");
        List<String> hits = browser.findElements(By.cssSelector("#search-results li a")).stream()
                .map(a -> a.getAttribute("href")).toList();
        assertTrue(hits.stream().anyMatch(h -> h.matches(".*/\\d\\d_[^/]*\\.html.*")),
                "searching for '" + SEARCH_WORD + "' found no notebook: " + hits);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the search results", e);
        }
    }

    private static Path firstMatching(List<Path> pages, String part) {
        return pages.stream().filter(p -> p.getFileName().toString().contains(part)).findFirst().orElse(pages.get(0));
    }

    private static void shoot(ChromeDriver browser, Path page, Path png) throws IOException {
        browser.get(page.toUri().toString());
        Files.write(png, browser.getScreenshotAs(OutputType.BYTES));
    }
}
