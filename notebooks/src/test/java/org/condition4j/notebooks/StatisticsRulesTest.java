package org.condition4j.notebooks;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The runner's rules for accuracies, on hand-made notebook outputs. */
class StatisticsRulesTest {

    @Test
    void anAccuracyWithoutItsIntervalIsReported() throws Exception {
        ExecutedNotebook nb = notebook(table(List.of("model", "accuracy %", "size kB"), 1));
        assertEquals(List.of("accuracy % in [model, accuracy %, size kB]"), NotebookRunnerTest.accuraciesWithoutInterval(nb));
    }

    @Test
    void aComparisonWithoutSignificanceIsReported() throws Exception {
        ExecutedNotebook nb = notebook(table(List.of("model", "accuracy %", "95 % interval"), 2));
        assertEquals(List.of(), NotebookRunnerTest.accuraciesWithoutInterval(nb));
        assertEquals(1, NotebookRunnerTest.comparisonsWithoutSignificance(nb).size());
    }

    @Test
    void completeTablesPass() throws Exception {
        ExecutedNotebook nb = notebook(table(List.of("model", "accuracy %", "95 % interval", "significant vs a"), 3)
                + table(List.of("epoch", "train accuracy %", "test accuracy %", "95 % interval"), 2)
                + table(List.of("model", "accuracy %", "95 % interval"), 1));
        assertEquals(List.of(), NotebookRunnerTest.accuraciesWithoutInterval(nb));
        assertEquals(List.of(), NotebookRunnerTest.comparisonsWithoutSignificance(nb));
    }

    private static String table(List<String> headers, int rows) {
        StringBuilder html = new StringBuilder("<table><thead><tr>");
        headers.forEach(h -> html.append("<th>").append(h).append("</th>"));
        html.append("</tr></thead><tbody>");
        for (int r = 0; r < rows; r++) {
            html.append("<tr>");
            headers.forEach(h -> html.append("<td>1</td>"));
            html.append("</tr>");
        }
        return html.append("</tbody></table>").toString();
    }

    private static ExecutedNotebook notebook(String html) throws Exception {
        var mapper = new ObjectMapper();
        var root = mapper.createObjectNode();
        var output = mapper.createObjectNode();
        output.putObject("data").put("text/html", html);
        root.putArray("cells").addObject().putArray("outputs").add(output);
        return new ExecutedNotebook(root);
    }
}
