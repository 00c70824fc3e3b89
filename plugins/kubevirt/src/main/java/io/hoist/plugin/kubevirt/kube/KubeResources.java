package io.hoist.plugin.kubevirt.kube;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/**
 * The KubeVirt, CDI and Multus kinds this plugin touches, addressed through fabric8's generic API
 * (no typed KubeVirt model for fabric8 8 is on Maven Central).
 */
public final class KubeResources {
    public static final ResourceDefinitionContext VIRTUAL_MACHINE = namespaced("kubevirt.io", "v1", "VirtualMachine", "virtualmachines");
    public static final ResourceDefinitionContext VIRTUAL_MACHINE_INSTANCE =
            namespaced("kubevirt.io", "v1", "VirtualMachineInstance", "virtualmachineinstances");
    public static final ResourceDefinitionContext DATA_VOLUME = namespaced("cdi.kubevirt.io", "v1beta1", "DataVolume", "datavolumes");
    public static final ResourceDefinitionContext UPLOAD_TOKEN_REQUEST =
            namespaced("upload.cdi.kubevirt.io", "v1beta1", "UploadTokenRequest", "uploadtokenrequests");
    public static final ResourceDefinitionContext CDI_CONFIG = new ResourceDefinitionContext.Builder()
            .withGroup("cdi.kubevirt.io").withVersion("v1beta1").withKind("CDIConfig").withPlural("cdiconfigs").withNamespaced(false).build();
    public static final ResourceDefinitionContext VIRTUAL_MACHINE_EXPORT =
            namespaced("export.kubevirt.io", "v1beta1", "VirtualMachineExport", "virtualmachineexports");
    public static final ResourceDefinitionContext NETWORK_ATTACHMENT_DEFINITION =
            namespaced("k8s.cni.cncf.io", "v1", "NetworkAttachmentDefinition", "network-attachment-definitions");

    public static final ResourceDefinitionContext INSTANCETYPE =
            namespaced("instancetype.kubevirt.io", "v1beta1", "VirtualMachineInstancetype", "virtualmachineinstancetypes");
    public static final ResourceDefinitionContext CLUSTER_INSTANCETYPE =
            cluster("instancetype.kubevirt.io", "v1beta1", "VirtualMachineClusterInstancetype", "virtualmachineclusterinstancetypes");
    public static final ResourceDefinitionContext PREFERENCE =
            namespaced("instancetype.kubevirt.io", "v1beta1", "VirtualMachinePreference", "virtualmachinepreferences");
    public static final ResourceDefinitionContext CLUSTER_PREFERENCE =
            cluster("instancetype.kubevirt.io", "v1beta1", "VirtualMachineClusterPreference", "virtualmachineclusterpreferences");

    private KubeResources() {}

    private static ResourceDefinitionContext cluster(String group, String version, String kind, String plural) {
        return new ResourceDefinitionContext.Builder()
                .withGroup(group).withVersion(version).withKind(kind).withPlural(plural).withNamespaced(false).build();
    }

    private static ResourceDefinitionContext namespaced(String group, String version, String kind, String plural) {
        return new ResourceDefinitionContext.Builder()
                .withGroup(group).withVersion(version).withKind(kind).withPlural(plural).withNamespaced(true).build();
    }
}
