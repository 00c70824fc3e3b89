package io.hoist.core.model.resource;

import io.hoist.core.model.meta.Condition;
import io.hoist.core.model.meta.Extensible;
import io.hoist.core.model.meta.ProviderPair;
import io.hoist.core.model.meta.Resource;
import io.hoist.core.model.meta.SourceRef;

import java.util.List;

/** forklift.konveyor.io/v1beta1 NetworkMap: source networks to pod network, Multus NADs, or ignored. */
public class NetworkMap extends Resource<NetworkMap.Spec, NetworkMap.Status> {
    public static final String DESTINATION_POD = "pod";
    public static final String DESTINATION_MULTUS = "multus";
    public static final String DESTINATION_IGNORED = "ignored";

    public static class Spec extends Extensible {
        public List<Pair> map;
        public ProviderPair provider;
    }

    public static class Pair extends Extensible {
        public Source source;
        public Destination destination;
    }

    /** A source network by id or name; {@code vlan} selects one VLAN of an OVA/ovirt network. */
    public static class Source extends SourceRef {
        public String vlan;
    }

    public static class Destination extends Extensible {
        /** pod, multus or ignored. */
        public String type;
        /** NAD name (multus). */
        public String name;
        /** NAD namespace (multus). */
        public String namespace;
    }

    public static class Status extends Extensible {
        public List<Condition> conditions;
        public Long observedGeneration;
        public List<SourceRef> references;
    }
}
