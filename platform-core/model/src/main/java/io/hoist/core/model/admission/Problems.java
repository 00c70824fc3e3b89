package io.hoist.core.model.admission;

import java.util.ArrayList;
import java.util.List;

/** Collects causes while checking one object. */
final class Problems {
    private final List<Cause> causes = new ArrayList<>();

    void add(Cause cause) {
        causes.add(cause);
    }

    void addAll(List<Cause> more) {
        causes.addAll(more);
    }

    void required(String field, String message) {
        causes.add(Cause.required(field, message));
    }

    void invalid(String field, String message) {
        causes.add(Cause.invalid(field, message));
    }

    void notSupported(String field, String message) {
        causes.add(Cause.notSupported(field, message));
    }

    void forbidden(String field, String message) {
        causes.add(Cause.forbidden(field, message));
    }

    void duplicate(String field, String message) {
        causes.add(new Cause(field, "FieldValueDuplicate", message));
    }

    void tooLong(String field, String message) {
        causes.add(new Cause(field, "FieldValueTooLong", message));
    }

    boolean hasCauseAt(String field) {
        return causes.stream().anyMatch(c -> c.field().equals(field) || c.field().startsWith(field + ".")
                || c.field().startsWith(field + "["));
    }

    List<Cause> list() {
        return causes;
    }

    boolean isEmpty() {
        return causes.isEmpty();
    }

    static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
