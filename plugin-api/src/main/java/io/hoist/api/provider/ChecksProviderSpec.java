package io.hoist.api.provider;

import java.util.List;

/**
 * Optional ability of a {@link ProviderFactory}: the type-specific checks of a Provider's spec alone, run by the
 * API before the Provider is stored, so a malformed one is refused with HTTP 422 naming the field. Only what the
 * spec itself shows belongs here (a URL that is no URL, a missing Secret reference, an unsupported setting):
 * anything that needs the Secret's data or the live source stays in {@link ProviderFactory#validate} and becomes
 * a condition, since the Secret may be applied after the Provider and the source may be down.
 *
 * <p>The platform calls it for every loaded factory whose {@link #type()} is the Provider's {@code spec.type};
 * a type no installed plugin serves gets no type-specific checks. Added in plugin API 2.1.0: plugins built for
 * 2.0.0 load unchanged and their Providers are admitted without these checks.
 */
public interface ChecksProviderSpec {
    /** The Provider {@code spec.type} these checks are for. */
    String type();

    /** The problems of this spec, each naming its field ({@code spec.url}, {@code spec.secret.name}...); empty when fine. */
    List<FieldError> checkSpec(ProviderSpec spec);
}
