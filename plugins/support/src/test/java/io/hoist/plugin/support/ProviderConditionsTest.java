package io.hoist.plugin.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoist.api.Condition;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProviderConditionsTest {
    @Test
    void noProblemGivesNoCondition() {
        assertThat(ProviderConditions.urlNotValid(null)).isEmpty();
        assertThat(ProviderConditions.secretNotValid(List.of())).isEmpty();
    }

    @Test
    void urlAndSecretProblemsNameTheirField() {
        Condition url = ProviderConditions.urlNotValid("has no host").getFirst();
        assertThat(url.type()).isEqualTo("UrlNotValid");
        assertThat(url.category()).isEqualTo(Condition.Category.Critical);
        assertThat(url.message()).isEqualTo("spec.url has no host");
        Condition secret = ProviderConditions.secretNotValid(List.of("key 'user' is missing", "key 'password' is missing"))
                .getFirst();
        assertThat(secret.type()).isEqualTo("SecretNotValid");
        assertThat(secret.message()).isEqualTo("Secret key 'user' is missing; key 'password' is missing");
    }

    @Test
    void aTestNotRunLeadsWithTheFirstProblem() {
        List<Condition> problems = List.of(ProviderConditions.urlNotValid("is empty").getFirst(),
                ProviderConditions.secretNotValid(List.of("key 'user' is missing")).getFirst());
        List<Condition> out = ProviderConditions.testNotRun(problems);
        assertThat(out).hasSize(3);
        assertThat(out.getFirst().type()).isEqualTo("ConnectionTestSucceeded");
        assertThat(out.getFirst().status()).isEqualTo("False");
        assertThat(out.getFirst().reason()).isEqualTo("UrlNotValid");
        assertThat(out.getFirst().message()).isEqualTo("spec.url is empty");
        assertThat(out.subList(1, 3)).isEqualTo(problems);
    }

    @Test
    void aFailedTestCarriesItsReasonTwice() {
        List<Condition> out = ProviderConditions.testFailed("TLSVerificationFailed", "untrusted");
        assertThat(out).extracting(Condition::type).containsExactly("ConnectionTestSucceeded", "TLSVerificationFailed");
        assertThat(out).extracting(Condition::reason).containsOnly("TLSVerificationFailed");
        assertThat(out.getFirst().status()).isEqualTo("False");
        assertThat(out).extracting(Condition::message).containsOnly("untrusted");
    }

    @Test
    void requireNoneRefusesWithTheFirstFaultsWords() {
        ProviderConditions.requireNone(List.of());
        List<Condition> problems = List.of(ProviderConditions.urlNotValid("has no host").getFirst(),
                ProviderConditions.secretNotValid(List.of("key 'user' is missing")).getFirst());
        assertThatThrownBy(() -> ProviderConditions.requireNone(problems))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("spec.url has no host");
    }
}
