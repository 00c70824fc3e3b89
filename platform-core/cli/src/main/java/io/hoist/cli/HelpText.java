package io.hoist.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * Help wrapped at spaces only: command descriptions, option and parameter descriptions, the command list.
 * picocli's wrapping follows the JDK's line BreakIterator, which also breaks after '.', '-' and '/', so
 * {@code x.yaml}, {@code io.hoist.core.engine} or {@code hoist-quickstart/data} could be split across lines
 * and pasted wrong.
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
        cmd.setHelpFactory(SpaceWrappingHelp::new);
    }

    /** picocli's help with its tables swapped for {@link SpaceWrappingTable}s of the same columns. */
    static final class SpaceWrappingHelp extends CommandLine.Help {
        SpaceWrappingHelp(CommandLine.Model.CommandSpec spec, ColorScheme colorScheme) {
            super(spec, colorScheme);
        }

        @Override
        public Layout createDefaultLayout(List<CommandLine.Model.OptionSpec> options,
                                          List<CommandLine.Model.PositionalParamSpec> positionals, ColorScheme scheme) {
            Layout layout = super.createDefaultLayout(options, positionals, scheme);
            return new Layout(scheme, new SpaceWrappingTable(scheme, layout.textTable().columns()),
                    layout.optionRenderer(), layout.parameterRenderer());
        }

        /** Each command with the first line of its header or description, as picocli lists them. */
        @Override
        public String commandList(java.util.Map<String, CommandLine.Help> subcommands) {
            if (subcommands.isEmpty()) {
                return "";
            }
            int nameWidth = subcommands.keySet().stream().mapToInt(String::length).max().orElse(0) + 2;
            TextTable table = new SpaceWrappingTable(colorScheme(),
                    new Column(nameWidth + 2, 2, Column.Overflow.SPAN),
                    new Column(Math.max(20, commandSpec().usageMessage().width() - nameWidth - 2), 2, Column.Overflow.WRAP));
            for (var e : subcommands.entrySet()) {
                UsageMessageSpec usage = e.getValue().commandSpec().usageMessage();
                String[] first = usage.header().length > 0 ? usage.header() : usage.description();
                String summary = first.length == 0 ? "" : first[0];
                table.addRowValues(colorScheme().commandText(e.getKey()), colorScheme().ansi().new Text(summary, colorScheme()));
            }
            return table.toString();
        }
    }

    /** A help table whose wrapping columns break lines at spaces only; continuation lines are indented by 2. */
    static final class SpaceWrappingTable extends CommandLine.Help.TextTable {
        private final CommandLine.Help.ColorScheme scheme;

        SpaceWrappingTable(CommandLine.Help.ColorScheme scheme, CommandLine.Help.Column... columns) {
            super(scheme, columns);
            this.scheme = scheme;
        }

        @Override
        public Cell putValue(int row, int col, CommandLine.Help.Ansi.Text value) {
            CommandLine.Help.Column column = columns()[col];
            String plain = value == null ? "" : value.plainString();
            int room = column.width - column.indent - indentWrappedLines;
            if (column.overflow != CommandLine.Help.Column.Overflow.WRAP || plain.length() <= column.width - column.indent
                    || room < 10 || plain.contains("\n")) {
                return super.putValue(row, col, value);
            }
            List<String> lines = wrap(plain, room);
            Cell cell = null;
            for (int i = 0; i < lines.size(); i++) {
                while (rowCount() <= row + i) {
                    addEmptyRow();
                }
                String line = (i == 0 ? "" : " ".repeat(indentWrappedLines)) + lines.get(i);
                cell = super.putValue(row + i, col, scheme.ansi().new Text(line, scheme));
            }
            return cell;
        }
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
