package io.hoist.core.model.admission;

import java.util.List;

/** A write refused by admission: HTTP 422 with one cause per problem; CLI exit 1. */
public class AdmissionException extends RuntimeException {
    private final String kind;
    private final String name;
    private final List<Cause> causes;

    public AdmissionException(String kind, String name, List<Cause> causes) {
        super(kind + " \"" + name + "\" is invalid: " + summarize(causes));
        this.kind = kind;
        this.name = name;
        this.causes = List.copyOf(causes);
    }

    public String kind() { return kind; }

    public String name() { return name; }

    public List<Cause> causes() { return causes; }

    private static String summarize(List<Cause> causes) {
        StringBuilder sb = new StringBuilder();
        for (Cause c : causes) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(c.field()).append(": ").append(c.message());
        }
        return sb.toString();
    }
}
