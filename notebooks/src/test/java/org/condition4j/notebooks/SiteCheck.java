package org.condition4j.notebooks;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The book built from the executed notebooks (notebooks/site.py): a page per notebook titled by
 * its heading and holding every chart and table the notebook shows, a page per model card, a
 * landing page linking them all, search, no link that leads nowhere from the file system, and
 * nothing a page loads (script, stylesheet, image, frame) from outside the book.
 */
final class SiteCheck {
    private static final Pattern LINK = Pattern.compile("(?:href|src)=\"([^\"]*)\"");
    private static final Pattern CHART = Pattern.compile("<img [^>]*src=\"_images/[^\"]+\\.png\"");
    private static final Pattern TITLE = Pattern.compile("<title>([^<]*)</title>");
    /** An element that makes the browser fetch its src/href: these must stay inside the book. */
    private static final Pattern LOADED = Pattern.compile(
            "<(script|link|img|iframe|source|audio|video|embed)\\b[^>]*\\b(?:src|href)=\"((?:https?:)?//[^\"]*)\"");

    private SiteCheck() {}

    static void check(Path book, List<Path> executed, Path models) throws IOException {
        Path site = book.toRealPath(); // Files.walk would not enter a symbolic link
        Path index = site.resolve("index.html");
        assertTrue(Files.isRegularFile(index), "no " + index);
        assertTrue(Files.isRegularFile(site.resolve("search.html")) && Files.isRegularFile(site.resolve("searchindex.js")),
                "the book in " + site + " has no search (search.html and searchindex.js)");
        String indexHtml = Files.readString(index);
        try (Stream<Path> files = Files.isDirectory(models.resolve("vela")) ? Files.list(models.resolve("vela")) : Stream.empty()) {
            // every comparison table 06 wrote is on the landing page, as written (cell for cell; site.py
            // only marks where a long model name may break, with <wbr>)
            String landing = indexHtml.replace("<wbr>", "").replaceAll("\\s+", "");
            for (Path table : files.filter(f -> f.getFileName().toString().matches("comparison_.*\\.html")).toList()) {
                String rows = Files.readString(table).replaceAll("\\s+", "");
                assertTrue(landing.contains(rows.substring(rows.indexOf("<table"))),
                        "index.html does not show " + table.getFileName() + " as 06 wrote it");
            }
        }
        for (Path notebook : executed) {
            String name = notebook.getFileName().toString().replace(".ipynb", "");
            Path page = site.resolve(name + ".html");
            assertTrue(Files.isRegularFile(page), "no page for " + name + " in " + site);
            assertTrue(indexHtml.contains("href=\"" + name + ".html\""), "index.html does not link " + name);
            ExecutedNotebook nb = ExecutedNotebook.read(notebook);
            String html = Files.readString(page);
            assertEquals(nb.count("image/png"), count(CHART, html), name + ".html: charts");
            assertTrue(count(Pattern.compile("<table"), html) >= nb.count("text/html"), name + ".html: tables");
            Matcher title = TITLE.matcher(html);
            assertTrue(title.find() && unescape(title.group(1)).startsWith(nb.title()),
                    name + ".html: the page title should start with the notebook's heading '" + nb.title() + "'");
        }
        try (Stream<Path> files = Files.list(models)) {
            for (Path card : files.filter(f -> f.getFileName().toString().endsWith(".card.md")).toList()) {
                String model = card.getFileName().toString().replace(".card.md", "");
                assertTrue(Files.isRegularFile(site.resolve("cards/" + model + ".html")), "no page for the card of " + model);
                assertTrue(indexHtml.contains("href=\"cards/" + model + ".html\""), "index.html does not link the card of " + model);
            }
        }
        List<String> broken = new ArrayList<>();
        List<String> external = new ArrayList<>();
        try (Stream<Path> pages = Files.walk(site)) {
            // _static holds the theme's files, among them HTML templates that are not pages
            for (Path page : pages.filter(p -> p.toString().endsWith(".html"))
                    .filter(p -> !site.relativize(p).startsWith("_static")).toList()) {
                String html = Files.readString(page);
                Matcher loaded = LOADED.matcher(html);
                while (loaded.find()) {
                    external.add(site.relativize(page) + ": <" + loaded.group(1) + "> " + loaded.group(2));
                }
                Matcher link = LINK.matcher(html);
                while (link.find()) {
                    String target = link.group(1);
                    if (target.isEmpty() || target.startsWith("#") || target.startsWith("data:")
                            || target.startsWith("https:") || target.startsWith("http:") || target.startsWith("mailto:")
                            || target.startsWith("javascript:")) {
                        continue;
                    }
                    String file = URLDecoder.decode(URI.create(target.replace(" ", "%20")).getPath(), StandardCharsets.UTF_8);
                    if (!file.isEmpty() && !Files.exists(page.getParent().resolve(file))) {
                        broken.add(site.relativize(page) + " -> " + target);
                    }
                }
            }
        }
        assertEquals(List.of(), broken, "links that do not resolve in " + site);
        assertEquals(List.of(), external, "pages in " + site + " that load something from the internet "
                + "(the book must read the same offline; see notebooks/book/conf.py)");
    }

    private static long count(Pattern pattern, String text) {
        return pattern.matcher(text).results().count();
    }

    private static String unescape(String html) {
        return html.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
                .replace("&#x27;", "'").replace("&amp;", "&");
    }
}
