package io.hoist.api.provider;

/**
 * One problem of a Provider's spec, as the API reports it in a Kubernetes {@code Status.details.causes[]} entry.
 *
 * @param field   the path of the field, e.g. {@code spec.url} or {@code spec.settings.sdkEndpoint}
 * @param reason  what is wrong with it
 * @param message for the user; must not repeat secret values (credentials in a URL included)
 */
public record FieldError(String field, Reason reason, String message) {
    /** The Kubernetes cause types a plugin may answer with. */
    public enum Reason {
        /** FieldValueRequired */
        REQUIRED,
        /** FieldValueInvalid */
        INVALID,
        /** FieldValueNotSupported: a value outside a fixed set */
        NOT_SUPPORTED,
        /** FieldValueForbidden */
        FORBIDDEN
    }
}
