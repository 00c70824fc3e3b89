package io.hoist.core.model.resource;

import io.hoist.core.model.meta.Condition;
import io.hoist.core.model.meta.Extensible;
import io.hoist.core.model.meta.ObjectReference;
import io.hoist.core.model.meta.Resource;

import java.util.List;
import java.util.Map;

/** forklift.konveyor.io/v1beta1 Provider: a source or destination (vsphere, ovirt, openstack, ova, openshift, ...). */
public class Provider extends Resource<Provider.Spec, Provider.Status> {
    public static final String TYPE_VSPHERE = "vsphere";
    public static final String TYPE_OVIRT = "ovirt";
    public static final String TYPE_OPENSTACK = "openstack";
    public static final String TYPE_OVA = "ova";
    public static final String TYPE_OPENSHIFT = "openshift";

    public static class Spec extends Extensible {
        public String type;
        /** Empty for the local (host) cluster when {@code type} is openshift. */
        public String url;
        public ObjectReference secret;
        /** Provider-specific settings, e.g. vddkInitImage, sdkEndpoint, useVddkAioOptimization. */
        public Map<String, String> settings;
    }

    public static class Status extends Extensible {
        public List<Condition> conditions;
        public String fingerprint;
        public Long observedGeneration;
        public String phase;
        public String secretResourceVersion;
        public ObjectReference service;
    }
}
