package io.hoist.plugin.hooks.mtv;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.hoist.plugin.hooks.mtv.GoYamlShape.Embed;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The three files MTV's controller puts in a hook's ConfigMap, byte for byte in the same shape:
 * {@code playbook.yml} (the decoded playbook), {@code plan.yml} (the Plan's {@code spec}) and
 * {@code workload.yml} (the VM's inventory workload), both written as Go's yaml.v2 writes MTV's structs
 * ({@link GoYamlShape}). So {@code provider.source.name}, {@code vms[0].ref.id}, {@code vm.ipaddress} and
 * {@code vm.vm1.vm0.id} mean what they mean under MTV. Only the struct layering of the providers' VM types is
 * encoded here (MTV's web model, per provider type); fields are taken from Hoist's workload document.
 */
public final class MtvHookFiles {
    /** Every string quoted: YAML 1.1 readers (ansible's) take an unquoted MAC such as 52:54:00:12:34:56 for a base-60 number. */
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER))
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private MtvHookFiles() {}

    public record Files(String playbook, String plan, String workload) {}

    public static Files of(String playbook, Map<String, Object> planResource, String sourceType, Map<String, Object> workload) {
        return new Files(playbook == null ? "" : playbook, yaml(planSpec(planResource)), yaml(workload(sourceType, workload)));
    }

    /** The Plan's spec as yaml.v2 writes {@code PlanSpec}: keys lower-cased, each VM's id/name/namespace/type under {@code ref}. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> planSpec(Map<String, Object> planResource) {
        Object spec = planResource == null ? null : planResource.get("spec");
        Map<String, Object> out = (Map<String, Object>) GoYamlShape.lowerKeys(spec instanceof Map<?, ?> m ? m : Map.of());
        Object vms = spec instanceof Map<?, ?> m ? m.get("vms") : null;
        if (vms instanceof List<?> list) {
            List<Object> shaped = new ArrayList<>();
            for (Object vm : list) {
                shaped.add(vm instanceof Map<?, ?> v ? PLAN_VM.render(GoYamlShape.cast(v)) : vm);
            }
            out.put("vms", shaped);
        }
        return out;
    }

    /** The workload as yaml.v2 writes MTV's {@code Workload} struct of the source provider's type. */
    public static Map<String, Object> workload(String sourceType, Map<String, Object> workload) {
        GoYamlShape shape = WORKLOADS.get(sourceType);
        if (shape == null) {
            // A provider MTV does not have: its document under "vm", keys lower-cased.
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("selflink", workload.get("selfLink"));
            out.put("vm", GoYamlShape.lowerKeys(workload));
            return out;
        }
        return shape.render(workload);
    }

    public static String yaml(Object doc) {
        try {
            return YAML.writeValueAsString(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write YAML: " + e.getMessage(), e);
        }
    }

    // ---- MTV's structs (pkg/apis/forklift/v1beta1, pkg/controller/provider/web/<type>): layering only ----

    private static final GoYamlShape REF = GoYamlShape.of(List.of(), "id", "name", "namespace", "type");
    /** plan.VM embeds ref.Ref. */
    private static final GoYamlShape PLAN_VM = GoYamlShape.of(List.of(new Embed("ref", REF))).takingTheRest();

    /** {@code VM{VM1{VM0 = Resource, vm1 fields...}, every other field}}. */
    private static GoYamlShape vm(GoYamlShape resource, String... vm1Fields) {
        GoYamlShape vm1 = GoYamlShape.of(List.of(new Embed("vm0", resource)), vm1Fields);
        return GoYamlShape.of(List.of(new Embed("vm1", vm1))).takingTheRest();
    }

    private static final GoYamlShape VSPHERE_RESOURCE = GoYamlShape.of(List.of(), "id", "variant", "parent", "path", "revision", "name");
    private static final GoYamlShape OVF_RESOURCE = GoYamlShape.of(List.of(), "id", "variant", "name", "path");
    private static final GoYamlShape OVIRT_RESOURCE = GoYamlShape.of(List.of(), "id", "revision", "path", "name", "description");
    private static final GoYamlShape OPENSTACK_RESOURCE = GoYamlShape.of(List.of(), "id", "revision", "path", "name");

    /** vsphere: Workload{SelfLink, VM, Host{Host{Resource, ...}, Cluster{Cluster{Resource, ...}, Datacenter}}}. */
    private static final GoYamlShape VSPHERE = GoYamlShape.of(List.of(new Embed("vm",
                    vm(VSPHERE_RESOURCE, "revisionValidated", "isTemplate", "powerState", "networks", "disks", "concerns"))), "selfLink")
            .withField("host", GoYamlShape.of(List.of(new Embed("host", GoYamlShape.of(List.of(new Embed("resource", VSPHERE_RESOURCE)))
                    .takingTheRest())), "selfLink")
                    .withField("cluster", GoYamlShape.of(List.of(new Embed("cluster", GoYamlShape.of(List.of(
                            new Embed("resource", VSPHERE_RESOURCE))).takingTheRest())), "datacenter")));

    /** ova (ovfbase): Workload{SelfLink, VM}. */
    private static final GoYamlShape OVA = GoYamlShape.of(List.of(new Embed("vm",
            vm(OVF_RESOURCE, "revisionValidated", "networks", "disks", "concerns"))), "selfLink");

    /** ovirt: Workload{SelfLink, XVM{VM, diskAttachments, nics}, Host, Cluster, DataCenter, ServerCpu}. */
    private static final GoYamlShape OVIRT = GoYamlShape.of(List.of(new Embed("xvm", GoYamlShape.of(List.of(new Embed("vm",
                    vm(OVIRT_RESOURCE, "cluster", "status", "revisionValidated", "nics", "diskAttachments", "concerns"))),
            "diskAttachments", "nics"))), "selfLink", "host", "cluster", "dataCenter", "serverCpu");

    /** openstack: Workload{SelfLink, XVM{VM, Image, Flavor, Networks, Subnets, Volumes, VolumeTypes, Snapshots}}. */
    private static final GoYamlShape OPENSTACK = GoYamlShape.of(List.of(new Embed("xvm", GoYamlShape.of(List.of(new Embed("vm",
                    vm(OPENSTACK_RESOURCE, "tenantID", "status", "hostID", "revisionValidated", "imageID", "flavorID", "addresses",
                            "attachedVolumes", "concerns"))),
            "image", "flavor", "networks", "subnets", "volumes", "volumeTypes", "snapshots"))), "selfLink");

    private static final Map<String, GoYamlShape> WORKLOADS = Map.of("vsphere", VSPHERE, "ova", OVA, "ovirt", OVIRT,
            "openstack", OPENSTACK);
}
