package io.hoist.cli;

import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.List;

/**
 * The one line a failed command prints after {@code error:}. A rejected write's causes join its message
 * ({@code field: reason; field: reason}); file errors name the file; nothing spans two lines.
 */
public final class ErrorLine {
    private ErrorLine() {}

    public static String of(Throwable e) {
        String text;
        if (e instanceof CliException ce) {
            text = withCauses(ce.getMessage(), ce.causes());
        } else {
            text = describe(e);
        }
        return oneLine(text);
    }

    /** What went wrong with a file or socket, naming it; the exception's own words otherwise. */
    public static String describe(Throwable e) {
        Throwable t = e instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : e;
        return switch (t) {
            case NoSuchFileException f -> "no such file or directory: " + f.getFile()
                    + (f.getOtherFile() == null ? "" : " (or " + f.getOtherFile() + ")");
            case AccessDeniedException f -> "permission denied: " + f.getFile();
            case FileSystemException f -> (f.getReason() == null ? t.getClass().getSimpleName() : f.getReason())
                    + ": " + f.getFile();
            default -> t.getMessage() == null || t.getMessage().isBlank() ? t.getClass().getSimpleName()
                    : t instanceof CliException || t instanceof IllegalArgumentException ? t.getMessage()
                    : t.getClass().getSimpleName() + ": " + t.getMessage();
        };
    }

    static String withCauses(String message, List<String> causes) {
        String m = message == null ? "" : message.strip();
        // A Kubernetes Status message often already lists its causes; do not say them twice.
        List<String> missing = causes.stream().filter(c -> !m.contains(c) && !m.contains(afterField(c))).toList();
        if (missing.isEmpty()) {
            return m;
        }
        return (m.isEmpty() ? "" : m + ": ") + String.join("; ", missing);
    }

    private static String afterField(String cause) {
        int colon = cause.indexOf(": ");
        return colon < 0 ? cause : cause.substring(colon + 2);
    }

    static String oneLine(String text) {
        return text.strip().replaceAll("\\s*\\R\\s*", "; ");
    }
}
