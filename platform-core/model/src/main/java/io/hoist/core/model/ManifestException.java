package io.hoist.core.model;

/** Input that is not valid YAML/JSON or not a manifest; names the source, line and column. */
public class ManifestException extends RuntimeException {
    private final String source;
    private final int line;
    private final int column;

    public ManifestException(String source, int line, int column, String problem, Throwable cause) {
        super(source + (line > 0 ? ":" + line + ":" + column : "") + ": " + problem, cause);
        this.source = source;
        this.line = line;
        this.column = column;
    }

    public String source() { return source; }

    /** 1-based line, or 0 when unknown. */
    public int line() { return line; }

    /** 1-based column, or 0 when unknown. */
    public int column() { return column; }
}
