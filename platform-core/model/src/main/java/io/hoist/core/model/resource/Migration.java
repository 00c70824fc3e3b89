package io.hoist.core.model.resource;

import io.hoist.core.model.meta.Condition;
import io.hoist.core.model.meta.Extensible;
import io.hoist.core.model.meta.ObjectReference;
import io.hoist.core.model.meta.Resource;
import io.hoist.core.model.meta.SourceRef;

import java.util.List;

/** forklift.konveyor.io/v1beta1 Migration: one run of a plan, with cutover time and cancelled VMs. */
public class Migration extends Resource<Migration.Spec, Migration.Status> {
    public static class Spec extends Extensible {
        public ObjectReference plan;
        /** RFC 3339 time with offset; a warm migration keeps precopying until then. */
        public String cutover;
        /** VMs (by id or name) whose migration is cancelled. */
        public List<SourceRef> cancel;
        public Boolean resumeConversion;
        public List<VmCutover> vmCutover;
    }

    public static class VmCutover extends Extensible {
        public String id;
        public String cutover;
    }

    public static class Status extends Extensible {
        public List<Condition> conditions;
        public Long observedGeneration;
        public String started;
        public String completed;
        public List<VmStatus> vms;
    }
}
