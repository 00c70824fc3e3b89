package io.hoist.plugin.support;

import static io.hoist.plugin.support.ConfigValues.blank;

import io.hoist.api.provider.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Collects a {@code ChecksProviderSpec.checkSpec} answer: the spec.url and spec.secret.name errors every provider
 * gives in the same words, and any of its own.
 */
public final class SpecFieldErrors {
    private final List<FieldError> errors = new ArrayList<>();

    /**
     * spec.url: REQUIRED when blank, INVALID with {@code urlProblem}'s words when that finds one.
     *
     * @param what what the URL points at, with an example ("the engine's API, e.g. https://...")
     */
    public SpecFieldErrors url(String url, String what, Function<String, String> urlProblem) {
        if (blank(url)) {
            errors.add(new FieldError("spec.url", FieldError.Reason.REQUIRED, "Required value: " + what));
        } else {
            String problem = urlProblem.apply(url);
            if (problem != null) {
                errors.add(new FieldError("spec.url", FieldError.Reason.INVALID,
                        "Invalid value: \"" + url + "\": " + problem));
            }
        }
        return this;
    }

    /** spec.secret.name: REQUIRED when blank; {@code what} says which Secret and its keys. */
    public SpecFieldErrors secretName(String secretName, String what) {
        if (blank(secretName)) {
            errors.add(new FieldError("spec.secret.name", FieldError.Reason.REQUIRED, "Required value: " + what));
        }
        return this;
    }

    /** A provider's own error (a setting it supports). */
    public SpecFieldErrors add(FieldError error) {
        errors.add(error);
        return this;
    }

    public List<FieldError> list() {
        return List.copyOf(errors);
    }
}
