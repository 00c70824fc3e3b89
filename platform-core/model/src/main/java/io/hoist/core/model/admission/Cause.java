package io.hoist.core.model.admission;

/**
 * One admission problem, as in a Kubernetes {@code Status.details.causes[]} entry.
 *
 * @param field   path such as {@code spec.vms[0].hooks}
 * @param reason  Kubernetes cause type: FieldValueRequired, FieldValueInvalid, FieldValueNotSupported,
 *                FieldValueDuplicate, FieldValueTooLong, FieldValueForbidden
 * @param message human-readable, never containing secret values
 */
public record Cause(String field, String reason, String message) {
    public static Cause required(String field, String message) {
        return new Cause(field, "FieldValueRequired", message);
    }

    public static Cause invalid(String field, String message) {
        return new Cause(field, "FieldValueInvalid", message);
    }

    public static Cause notSupported(String field, String message) {
        return new Cause(field, "FieldValueNotSupported", message);
    }

    public static Cause forbidden(String field, String message) {
        return new Cause(field, "FieldValueForbidden", message);
    }
}
