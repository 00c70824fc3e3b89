package io.hoist.cli.output;

import java.io.PrintWriter;
import java.util.List;

/** Left-aligned columns separated by three spaces, as kubectl prints them. */
public final class Table {
    private Table() {}

    public static void print(PrintWriter out, List<String> headers, List<List<String>> rows) {
        int[] width = new int[headers.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = headers.get(i).length();
            for (List<String> row : rows) {
                width[i] = Math.max(width[i], row.get(i).length());
            }
        }
        line(out, headers, width);
        rows.forEach(r -> line(out, r, width));
    }

    private static void line(PrintWriter out, List<String> cells, int[] width) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String cell = cells.get(i);
            sb.append(cell);
            if (i < cells.size() - 1) {
                sb.append(" ".repeat(width[i] - cell.length() + 3));
            }
        }
        out.println(sb.toString().stripTrailing());
    }
}
