package io.hoist.core.model.resource;

import io.hoist.core.model.meta.Condition;
import io.hoist.core.model.meta.Extensible;
import io.hoist.core.model.meta.ObjectReference;
import io.hoist.core.model.meta.Resource;

import java.util.List;

/** forklift.konveyor.io/v1beta1 Hook: a container (usually an Ansible playbook) run before or after a VM. */
public class Hook extends Resource<Hook.Spec, Hook.Status> {
    public static final String STEP_PRE = "PreHook";
    public static final String STEP_POST = "PostHook";

    public static class Spec extends Extensible {
        public String image;
        /** Base64-encoded Ansible playbook; empty when the image does the work itself. */
        public String playbook;
        public String serviceAccount;
        /** Seconds the hook may run; 0 or absent means no deadline. */
        public Long deadline;
        /** Run an Ansible Automation Platform job template instead of a local image. */
        public Aap aap;

        /**
         * Why {@link #playbook} is not base64 (line breaks allowed, as MTV writes it), or empty when it is or there is
         * none. Strict, as MTV's decoder: the JDK's MIME decoder would skip an elided "LS0tCi0gbm..." silently.
         */
        public static java.util.Optional<String> playbookProblem(String playbook) {
            if (playbook == null || playbook.isBlank()) {
                return java.util.Optional.empty();
            }
            String compact = playbook.strip().replaceAll("\\s", "");
            if (!compact.matches("[A-Za-z0-9+/]*={0,2}")) {
                return java.util.Optional.of("characters outside the base64 alphabet");
            }
            if (compact.length() % 4 != 0) {
                return java.util.Optional.of("its length is not a multiple of 4");
            }
            try {
                java.util.Base64.getDecoder().decode(compact);
                return java.util.Optional.empty();
            } catch (IllegalArgumentException e) {
                return java.util.Optional.of(e.getMessage());
            }
        }
    }

    public static class Aap extends Extensible {
        public Integer jobTemplateId;
        public Long timeout;
        public ObjectReference tokenSecret;
        public String url;
    }

    public static class Status extends Extensible {
        public List<Condition> conditions;
        public Long observedGeneration;
    }
}
