package io.hoist.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * Command descriptions wrapped at spaces only. picocli's wrapping follows the JDK's line BreakIterator, which
 * also breaks after '.', '-' and '/', so {@code x.yaml} or {@code hoist-quickstart/data} could be split
 * across lines and pasted wrong.
 */
final class HelpText {
    private HelpText() {}

    static void install(CommandLine cmd) {
        cmd.getHelpSectionMap().put(UsageMessageSpec.SECTION_KEY_DESCRIPTION, help -> {
            int width = help.commandSpec().usageMessage().width();
            StringBuilder sb = new StringBuilder();
            for (String paragraph : help.commandSpec().usageMessage().description()) {
                wrap(String.format(paragraph), width).forEach(l -> sb.append(l).append(System.lineSeparator()));
            }
            return sb.toString();
        });
        cmd.getSubcommands().values().forEach(HelpText::install);
    }

    /** Lines of at most {@code width} characters, broken only at spaces (a longer word gets its own line). */
    static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        for (String hard : text.split("\\R", -1)) {
            StringBuilder line = new StringBuilder();
            for (String word : hard.split(" ")) {
                if (!line.isEmpty() && line.length() + 1 + word.length() > width) {
                    lines.add(line.toString());
                    line.setLength(0);
                }
                line.append(line.isEmpty() ? "" : " ").append(word);
            }
            lines.add(line.toString());
        }
        return lines;
    }
}
