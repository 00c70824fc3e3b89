package io.hoist.plugin.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.api.Condition;
import io.hoist.api.hook.HookSpec;
import io.hoist.api.provider.ProviderConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunnerChoiceTest {
    static final ProviderConfig FOLDER = new ProviderConfig("u1", "hoist", "local-folder", "openshift", "file:///tmp/t", Map.of(), Map.of());
    static final ProviderConfig CLUSTER = new ProviderConfig("u2", "hoist", "host", "openshift", "https://api.example:6443", Map.of(),
            Map.of("token", "t"));
    static final ProviderConfig IN_CLUSTER = new ProviderConfig("u3", "hoist", "host", "openshift", "", Map.of(), Map.of());

    static HookSpec hook(String image, String playbook, Map<String, String> annotations) {
        return new HookSpec("hoist", "h", image, playbook, null, 0, "PreHook", annotations);
    }

    @Test
    void playbookOnAFolderRunsLocallyAndOnAClusterAsAJob() {
        assertThat(RunnerChoice.of(hook(RunnerChoice.DEFAULT_IMAGE, "- hosts: localhost", Map.of()), FOLDER).mode())
                .isEqualTo(RunnerChoice.Mode.LOCAL);
        assertThat(RunnerChoice.of(hook(RunnerChoice.DEFAULT_IMAGE, "- hosts: localhost", Map.of()), CLUSTER).mode())
                .isEqualTo(RunnerChoice.Mode.JOB);
        assertThat(RunnerChoice.of(hook("registry.example/custom:1", null, Map.of()), IN_CLUSTER).mode()).isEqualTo(RunnerChoice.Mode.JOB);
        assertThat(RunnerChoice.of(hook(RunnerChoice.DEFAULT_IMAGE, "- hosts: localhost", Map.of(RunnerChoice.ANNOTATION, "local")),
                CLUSTER).mode()).isEqualTo(RunnerChoice.Mode.LOCAL);
    }

    @Test
    void imageOnlyHookOnAFolderIsRefusedWithTheReason() {
        RunnerChoice c = RunnerChoice.of(hook("registry.example/custom:1", null, Map.of()), FOLDER);
        assertThat(c.mode()).isEqualTo(RunnerChoice.Mode.NONE);
        assertThat(c.conditions()).singleElement().satisfies(x -> {
            assertThat(x.type()).isEqualTo("HookNotValid");
            assertThat(x.category()).isEqualTo(Condition.Category.Critical);
            assertThat(x.message()).contains("has no playbook (spec.playbook), only the image registry.example/custom:1")
                    .contains("local-folder is a folder");
        });
    }

    @Test
    void annotationErrorsAndIgnoredFieldsAreConditions() {
        assertThat(RunnerChoice.of(hook(null, "x", Map.of(RunnerChoice.ANNOTATION, "pod")), FOLDER).conditions().get(0).message())
                .contains("hoist.io/hook-runner: 'pod' must be local or job");
        assertThat(RunnerChoice.of(hook(null, "x", Map.of(RunnerChoice.ANNOTATION, "job")), FOLDER).conditions().get(0).message())
                .contains("asks for a Job").contains("is a folder");
        RunnerChoice warned = RunnerChoice.of(new HookSpec("hoist", "h", "registry.example/ansible-ee:2", "x", "hook-sa", 0, "PreHook"), FOLDER);
        assertThat(warned.mode()).isEqualTo(RunnerChoice.Mode.LOCAL);
        assertThat(warned.conditions()).extracting(Condition::category).containsOnly(Condition.Category.Warn);
        assertThat(warned.conditions()).extracting(Condition::message).anyMatch(m -> m.contains("spec.serviceAccount hook-sa is not used"))
                .anyMatch(m -> m.contains("spec.image registry.example/ansible-ee:2 is not used"));
        assertThat(RunnerChoice.of(hook(null, null, Map.of()), CLUSTER).conditions().get(0).message()).contains("neither a playbook nor an image");
    }
}
