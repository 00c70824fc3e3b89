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
