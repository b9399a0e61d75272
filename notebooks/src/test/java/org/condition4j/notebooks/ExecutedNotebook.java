package org.condition4j.notebooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;

/** An executed notebook's outputs, as nbclient wrote them. */
record ExecutedNotebook(JsonNode json) {

    static ExecutedNotebook read(Path file) throws IOException {
        return new ExecutedNotebook(new ObjectMapper().readTree(file.toFile()));
    }

    /** How many outputs carry {@code mimeType} (e.g. "image/png", "text/html"). */
    long count(String mimeType) {
        long n = 0;
        for (JsonNode cell : json.path("cells")) {
            for (JsonNode output : cell.path("outputs")) {
                if (output.path("data").has(mimeType)) {
                    n++;
                }
            }
        }
        return n;
    }

    /** All text the notebook printed (stream outputs), joined. */
    String printedText() {
        StringBuilder text = new StringBuilder();
        for (JsonNode cell : json.path("cells")) {
            for (JsonNode output : cell.path("outputs")) {
                if ("stream".equals(output.path("output_type").asText())) {
                    JsonNode t = output.path("text");
                    if (t.isArray()) {
                        t.forEach(line -> text.append(line.asText()));
                    } else {
                        text.append(t.asText());
                    }
                }
            }
        }
        return text.toString();
    }
}
