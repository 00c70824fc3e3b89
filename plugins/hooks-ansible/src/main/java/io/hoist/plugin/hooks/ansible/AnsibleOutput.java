package io.hoist.plugin.hooks.ansible;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what matters out of ansible-playbook's default (human) output, as both runners see it (the local
 * process's output, a hook pod's log): the first failed task and its message, and the play recap. Parsing
 * text keeps the log the user reads and the error we report the same thing.
 */
public final class AnsibleOutput {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TASK = Pattern.compile("^(?:TASK|HANDLER) \\[(.*)] \\**\\s*$");
    private static final Pattern FAILED = Pattern.compile(
            "^(?:fatal|failed): \\[([^]]+)](?: \\(item=(.*)\\))?: (FAILED|UNREACHABLE)! => (.*)$");
    private static final Pattern ERROR = Pattern.compile("^ERROR! (.*)$");
    private static final Pattern RECAP = Pattern.compile("^(\\S+)\\s*:\\s*(ok=\\d+.*)$");

    private AnsibleOutput() {}

    /** The failure that stopped the playbook, as one line: task, host and ansible's message. */
    public static Optional<String> failure(String output) {
        String task = null;
        String[] lines = output.split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            Matcher t = TASK.matcher(line);
            if (t.matches()) {
                task = t.group(1).strip();
                continue;
            }
            Matcher f = FAILED.matcher(line);
            if (f.matches()) {
                if (i + 1 < lines.length && lines[i + 1].strip().equals("...ignoring")) {
                    continue; // ignore_errors: the play went on
                }
                String what = "UNREACHABLE".equals(f.group(3)) ? "could not reach" : "failed on";
                String item = f.group(2) == null ? "" : " (item " + f.group(2) + ")";
                return Optional.of("task \"" + (task == null ? "?" : task) + "\" " + what + " " + f.group(1) + item + ": "
                        + message(f.group(4)));
            }
            Matcher e = ERROR.matcher(line);
            if (e.matches()) {
                StringBuilder m = new StringBuilder(e.group(1).strip());
                // ansible explains a syntax error on the next lines, up to a blank line
                for (int j = i + 1; j < lines.length && j <= i + 3 && !lines[j].isBlank(); j++) {
                    m.append(' ').append(lines[j].strip());
                }
                return Optional.of("ansible-playbook: " + m);
            }
        }
        return Optional.empty();
    }

    /** The PLAY RECAP lines joined ({@code localhost ok=2 changed=1 ...}), or empty. */
    public static String recap(String output) {
        StringBuilder out = new StringBuilder();
        boolean inRecap = false;
        for (String line : output.split("\r?\n")) {
            if (line.startsWith("PLAY RECAP")) {
                inRecap = true;
                continue;
            }
            Matcher m = RECAP.matcher(line.strip());
            if (inRecap && m.matches()) {
                if (!out.isEmpty()) {
                    out.append("; ");
                }
                out.append(m.group(1)).append(' ').append(m.group(2).replaceAll("\\s+", " ").strip());
            }
        }
        return out.toString();
    }

    /** ansible's {@code msg} (with the command's stderr when a command failed), else the result as given. */
    static String message(String result) {
        try {
            JsonNode r = JSON.readTree(result);
            String msg = text(r.get("msg"));
            String stderr = text(r.get("stderr"));
            if (msg == null) {
                msg = text(r.get("reason"));
            }
            if (msg == null) {
                return shorten(result);
            }
            if (stderr != null && !stderr.isBlank() && !msg.contains(stderr.strip())) {
                msg += " (stderr: " + stderr.strip() + ")";
            }
            return shorten(msg);
        } catch (Exception notJson) {
            return shorten(result);
        }
    }

    private static String text(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isArray()) {
            StringBuilder b = new StringBuilder();
            n.forEach(x -> b.append(b.isEmpty() ? "" : " ").append(x.isTextual() ? x.asText() : x.toString()));
            return b.toString();
        }
        return n.isTextual() ? n.asText() : n.toString();
    }

    private static String shorten(String s) {
        String one = s.replaceAll("\\s*\n\\s*", " ").strip();
        return one.length() <= 600 ? one : one.substring(0, 600) + "...";
    }
}
