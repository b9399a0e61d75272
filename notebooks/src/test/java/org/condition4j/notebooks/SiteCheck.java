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
 * The static site rendered from the executed notebooks: a page per notebook holding every chart
 * and table the notebook shows, an index linking them and every model card, and no link that
 * leads nowhere from the file system.
 */
final class SiteCheck {
    private static final Pattern LINK = Pattern.compile("(?:href|src)=\"([^\"]*)\"");
    private static final Pattern IMAGE = Pattern.compile("<img [^>]*src=\"data:image/png;base64,");

    private SiteCheck() {}

    static void check(Path site, List<Path> executed, Path models) throws IOException {
        Path index = site.resolve("index.html");
        assertTrue(Files.isRegularFile(index), "no " + index);
        String indexHtml = Files.readString(index);
        for (Path notebook : executed) {
            String name = notebook.getFileName().toString().replace(".ipynb", "");
            Path page = site.resolve(name + ".html");
            assertTrue(Files.isRegularFile(page), "no page for " + name + " in " + site);
            assertTrue(indexHtml.contains("href=\"" + name + ".html\""), "index.html does not link " + name);
            ExecutedNotebook nb = ExecutedNotebook.read(notebook);
            String html = Files.readString(page);
            assertEquals(nb.count("image/png"), count(IMAGE, html), name + ".html: embedded charts");
            assertTrue(count(Pattern.compile("<table"), html) >= nb.count("text/html"), name + ".html: tables");
        }
        try (Stream<Path> files = Files.list(models)) {
            for (Path card : files.filter(f -> f.getFileName().toString().endsWith(".card.md")).toList()) {
                String model = card.getFileName().toString().replace(".card.md", "");
                assertTrue(indexHtml.contains("href=\"cards/" + model + ".html\""), "index.html does not link the card of " + model);
            }
        }
        List<String> broken = new ArrayList<>();
        try (Stream<Path> pages = Files.walk(site)) {
            for (Path page : pages.filter(p -> p.toString().endsWith(".html")).toList()) {
                Matcher link = LINK.matcher(Files.readString(page));
                while (link.find()) {
                    String target = link.group(1);
                    if (target.isEmpty() || target.startsWith("#") || target.startsWith("data:")
                            || target.startsWith("https:") || target.startsWith("http:") || target.startsWith("mailto:")) {
                        continue;
                    }
                    String file = URLDecoder.decode(URI.create(target).getPath(), StandardCharsets.UTF_8);
                    if (!Files.exists(page.getParent().resolve(file))) {
                        broken.add(site.relativize(page) + " -> " + target);
                    }
                }
            }
        }
        assertEquals(List.of(), broken, "links that do not resolve in " + site);
    }

    private static long count(Pattern pattern, String text) {
        return pattern.matcher(text).results().count();
    }
}
