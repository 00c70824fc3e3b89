package io.hoist.core.model.resource;

import io.hoist.core.model.meta.Condition;
import io.hoist.core.model.meta.Extensible;
import io.hoist.core.model.meta.ObjectReference;
import io.hoist.core.model.meta.Resource;

import java.util.List;

/** forklift.konveyor.io/v1beta1 Host: an ESXi host's migration network address and credentials. */
public class Host extends Resource<Host.Spec, Host.Status> {
    public static class Spec extends Extensible {
        /** The host in the provider's inventory, by id (moRef) or name. */
        public String id;
        public String name;
        public String namespace;
        public String type;
        public ObjectReference provider;
        public String ipAddress;
        public ObjectReference secret;
    }

    public static class Status extends Extensible {
        public List<Condition> conditions;
        public Long observedGeneration;
    }
}
