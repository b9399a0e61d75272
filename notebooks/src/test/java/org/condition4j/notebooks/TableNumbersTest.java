package org.condition4j.notebooks;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The runner's rule for table numbers, on hand-made cells: Format's figures pass, raw doubles do not. */
class TableNumbersTest {

    @Test
    void formattedFiguresPass() {
        // percent, kB and points (two decimals), times (three significant digits), other figures
        // (four significant digits), p-values (two)
        for (String decimal : List.of("98.91", "100.00", "99.10", "1,234.57", "4.00", "0.242", "0.0300", "41.2",
                "0.0001235", "0.9891", "6.000", "0.0031", "0.00012")) {
            assertFalse(ExecutedNotebook.overPrecise(decimal), decimal);
        }
    }

    @Test
    void unformattedDoublesAreCaught() {
        assertTrue(ExecutedNotebook.overPrecise("0.98912345"));
        assertTrue(ExecutedNotebook.overPrecise("98.912"));
        assertTrue(ExecutedNotebook.overPrecise("98.91000000000001"));
        assertTrue(ExecutedNotebook.overPrecise("1,234.567"));
    }

    @Test
    void tablesAreSearchedCellByCell() throws Exception {
        // exact counts are whole numbers, never over-precise however many digits they have
        String html = "<table><tr><th>accuracy %</th><th>cycles</th><th>MACs</th><th>loss</th></tr>"
                + "<tr><td>98.91</td><td>120,998</td><td>123456789</td><td>0.98912345</td></tr></table>";
        var mapper = new ObjectMapper();
        var root = mapper.createObjectNode();
        var output = mapper.createObjectNode();
        output.putObject("data").put("text/html", html);
        root.putArray("cells").addObject().putArray("outputs").add(output);
        assertEquals(List.of("0.98912345 in \"0.98912345\""), new ExecutedNotebook(root).overPreciseTableNumbers());
    }
}
