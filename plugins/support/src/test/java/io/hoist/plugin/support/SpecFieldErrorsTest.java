package io.hoist.plugin.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.api.provider.FieldError;
import org.junit.jupiter.api.Test;

class SpecFieldErrorsTest {
    private static String pathMustBeApi(String url) {
        return url.endsWith("/api") ? null : "path must be /api";
    }

    @Test
    void aGoodSpecHasNoError() {
        assertThat(new SpecFieldErrors().url("https://h/api", "the API", SpecFieldErrorsTest::pathMustBeApi)
                .secretName("creds", "the Secret").list()).isEmpty();
    }

    @Test
    void missingFieldsAreRequiredWithWhatTheyAre() {
        assertThat(new SpecFieldErrors().url("", "the API, e.g. https://h/api", SpecFieldErrorsTest::pathMustBeApi)
                .secretName(null, "the Secret with user, password").list())
                .containsExactly(
                        new FieldError("spec.url", FieldError.Reason.REQUIRED, "Required value: the API, e.g. https://h/api"),
                        new FieldError("spec.secret.name", FieldError.Reason.REQUIRED,
                                "Required value: the Secret with user, password"));
    }

    @Test
    void aBadUrlIsInvalidWithTheValueAndTheProblem() {
        assertThat(new SpecFieldErrors().url("https://h/x", "the API", SpecFieldErrorsTest::pathMustBeApi).list())
                .containsExactly(new FieldError("spec.url", FieldError.Reason.INVALID,
                        "Invalid value: \"https://h/x\": path must be /api"));
    }

    @Test
    void aProvidersOwnErrorKeepsItsPlace() {
        FieldError own = new FieldError("spec.settings.mode", FieldError.Reason.NOT_SUPPORTED, "Unsupported value");
        assertThat(new SpecFieldErrors().secretName("", "the Secret").add(own).list()).hasSize(2).endsWith(own);
    }
}
