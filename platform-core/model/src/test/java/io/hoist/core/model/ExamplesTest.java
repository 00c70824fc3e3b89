package io.hoist.core.model;

import io.hoist.core.model.template.NameTemplates;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.admission.MtvAdmission;
import io.hoist.core.model.schema.CrdSchemas;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every manifest in examples/ parses, passes MTV's CRD schemas and Hoist's admission, round-trips through
 * the typed model, and each source type's set is complete and self-consistent (every reference resolves).
 */
class ExamplesTest {
    static final Path EXAMPLES = locate();
    static final List<String> SOURCE_TYPES = List.of("vsphere", "ovirt", "openstack", "ova", "openshift");

    static Path locate() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("examples")) && Files.exists(p.resolve("pom.xml"))
                    && Files.isDirectory(p.resolve("platform-core"))) {
                return p.resolve("examples");
            }
        }
        throw new IllegalStateException("examples/ not found above " + Path.of("").toAbsolutePath());
    }

    static Map<Path, List<ObjectNode>> load(Path dir) throws IOException {
        Map<Path, List<ObjectNode>> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                out.put(f, Manifests.read(f));
            }
        }
        return out;
    }

    @Test
    void everyExampleIsAdmittedAndRoundTrips() throws IOException {
        MtvAdmission admission = new MtvAdmission();
        Map<Path, List<ObjectNode>> all = load(EXAMPLES);
        assertThat(all).hasSizeGreaterThanOrEqualTo(SOURCE_TYPES.size() * 6);
        int objects = 0;
        for (Map.Entry<Path, List<ObjectNode>> e : all.entrySet()) {
            assertThat(e.getValue()).as(e.getKey().toString()).isNotEmpty();
            for (ObjectNode o : e.getValue()) {
                String where = e.getKey() + " " + o.path("kind").asText() + "/" + o.at("/metadata/name").asText();
                if (isNamespace(o)) {
                    continue; // a v1 Namespace, served beside the store: checked by everyFolderCreatesTheNamespacesItUses
                }
                ResourceKind kind = ResourceKind.byKind(o.path("kind").asText()).orElseThrow(
                        () -> new AssertionError(where + ": unknown kind"));
                assertThat(o.path("apiVersion").asText()).as(where).isEqualTo(kind.apiVersion());
                assertThat(CrdSchemas.validate(kind, o)).as(where).isEmpty();
                admission.admit(kind, o, null);
                assertThat(Resources.toNode(Resources.toTyped(o, Resources.typeOf(kind)))).as(where).isEqualTo(o);
                assertThat(Manifests.parseOne(Manifests.toYaml(o), where)).as(where).isEqualTo(o);
                objects++;
            }
        }
        assertThat(objects).isGreaterThan(40);
    }

    static boolean isNamespace(ObjectNode o) {
        return o.path("kind").asText().equals("Namespace");
    }

    /**
     * Objects go only into namespaces that exist: every folder that can be applied on its own ({@code hoist apply -f
     * DIR}, {@code kubectl apply -f DIR}) creates, before its objects, each namespace they live in.
     */
    @Test
    void everyFolderCreatesTheNamespacesItUses() throws IOException {
        List<Path> folders;
        try (Stream<Path> dirs = Files.list(EXAMPLES)) {
            folders = dirs.filter(d -> Files.isDirectory(d) && !d.getFileName().toString().equals("monitoring")).sorted().toList();
        }
        assertThat(folders).hasSizeGreaterThanOrEqualTo(SOURCE_TYPES.size());
        for (Path folder : folders) {
            Set<String> created = new java.util.TreeSet<>();
            for (Map.Entry<Path, List<ObjectNode>> e : load(folder).entrySet()) {
                for (ObjectNode o : e.getValue()) {
                    String where = e.getKey() + " " + o.path("kind").asText() + "/" + o.at("/metadata/name").asText();
                    if (isNamespace(o)) {
                        assertThat(o.path("apiVersion").asText()).as(where).isEqualTo("v1");
                        assertThat(o.at("/metadata/namespace").isMissingNode()).as(where + ": namespaces are not namespaced").isTrue();
                        created.add(o.at("/metadata/name").asText());
                    } else {
                        assertThat(created).as(where + ": its namespace is created earlier in the folder")
                                .contains(o.at("/metadata/namespace").asText());
                    }
                }
            }
            assertThat(created).as(folder.toString()).isNotEmpty();
        }
    }

    @Test
    void eachSourceTypeHasACompleteConsistentSet() throws IOException {
        for (String type : SOURCE_TYPES) {
            List<ObjectNode> set = new ArrayList<>();
            load(EXAMPLES.resolve(type)).values().forEach(set::addAll);
            set.removeIf(ExamplesTest::isNamespace);
            Map<String, Set<String>> names = new TreeMap<>();
            for (ObjectNode o : set) {
                names.computeIfAbsent(o.path("kind").asText(), k -> new java.util.TreeSet<>())
                        .add(o.at("/metadata/name").asText());
            }
            assertThat(names.keySet()).as(type).contains("Secret", "Provider", "NetworkMap", "StorageMap", "Plan",
                    "Migration", "Hook");
            assertThat(names.get("Provider")).as(type).hasSize(2);
            assertThat(set.stream().filter(o -> o.path("kind").asText().equals("Provider"))
                    .anyMatch(o -> o.at("/spec/type").asText().equals(type))).as(type + " source provider").isTrue();
            for (ObjectNode o : set) {
                String kind = o.path("kind").asText();
                String where = type + " " + kind + "/" + o.at("/metadata/name").asText();
                if (kind.equals("Plan")) {
                    assertThat(names.get("Provider")).as(where).contains(o.at("/spec/provider/source/name").asText(),
                            o.at("/spec/provider/destination/name").asText());
                    assertThat(names.get("NetworkMap")).as(where).contains(o.at("/spec/map/network/name").asText());
                    assertThat(names.get("StorageMap")).as(where).contains(o.at("/spec/map/storage/name").asText());
                    o.at("/spec/vms").forEach(vm -> vm.path("hooks").forEach(h ->
                            assertThat(names.get("Hook")).as(where).contains(h.at("/hook/name").asText())));
                }
                if (kind.equals("NetworkMap") || kind.equals("StorageMap")) {
                    assertThat(names.get("Provider")).as(where).contains(o.at("/spec/provider/source/name").asText(),
                            o.at("/spec/provider/destination/name").asText());
                }
                if (kind.equals("Migration")) {
                    assertThat(names.get("Plan")).as(where).contains(o.at("/spec/plan/name").asText());
                }
                if (kind.equals("Provider") && o.at("/spec/secret/name").isTextual()) {
                    assertThat(names.get("Secret")).as(where).contains(o.at("/spec/secret/name").asText());
                }
                if (kind.equals("Host")) {
                    assertThat(names.get("Secret")).as(where).contains(o.at("/spec/secret/name").asText());
                    assertThat(names.get("Provider")).as(where).contains(o.at("/spec/provider/name").asText());
                }
            }
        }
    }

    /**
     * Every example plan's name templates render valid names with the variables the engine supplies for its source
     * type ({@link NameTemplates#pvcData(NameTemplates.PvcVariables)}, the one builder the engine uses): a template
     * reading a variable its source does not fill (e.g. {@code .SourcePVCName} for vSphere) fails here, not at run time.
     */
    @Test
    void everyExamplePlanRendersItsNamesWithTheEnginesVariables() throws Exception {
        int rendered = 0;
        for (String type : SOURCE_TYPES) {
            List<ObjectNode> set = new ArrayList<>();
            load(EXAMPLES.resolve(type)).values().forEach(set::addAll);
            boolean kubevirt = type.equals("openshift");
            for (ObjectNode o : set) {
                if (!o.path("kind").asText().equals("Plan")) {
                    continue;
                }
                io.hoist.core.model.resource.Plan plan = (io.hoist.core.model.resource.Plan)
                        Resources.toTyped(o, io.hoist.core.model.resource.Plan.class);
                for (io.hoist.core.model.resource.Plan.Vm vm : plan.spec.vms) {
                    String vmName = vm.name != null ? vm.name : vm.id;
                    String target = vm.targetName != null ? vm.targetName : vmName.toLowerCase(java.util.Locale.ROOT);
                    String where = type + " plan " + plan.metadata.name + " vm " + vmName;
                    String pvcTemplate = NameTemplates.effective(plan.spec, vm, NameTemplates.Kind.PVC).orElse(kubevirt
                            ? NameTemplates.DEFAULT_KUBEVIRT_PVC_TEMPLATE : NameTemplates.DEFAULT_PVC_TEMPLATE);
                    for (int disk = 0; disk < 2; disk++) {
                        var vars = new NameTemplates.PvcVariables(vmName, target, plan.metadata.name, disk, "vm-1", 0, false,
                                "", type.equals("vsphere") ? vmName + "_" + disk + ".vmdk" : "",
                                kubevirt ? vmName + "-rootdisk-" + disk : "", kubevirt ? String.valueOf(vm.namespace) : "");
                        var pvc = NameTemplates.renderName(io.hoist.core.model.template.GoTemplate.parse("pvcNameTemplate",
                                pvcTemplate), NameTemplates.pvcData(vars), !kubevirt && plan.spec.pvcNameTemplateUseGenerateNameOrDefault());
                        assertThat(pvc.problem()).as(where + " pvcNameTemplate " + pvcTemplate).isEmpty();
                        assertThat(pvc.name()).as(where + " pvcNameTemplate " + pvcTemplate).isNotBlank();
                        var volume = NameTemplates.renderName(NameTemplates.Kind.VOLUME, NameTemplates.effective(plan.spec, vm,
                                NameTemplates.Kind.VOLUME).orElse(NameTemplates.DEFAULT_VOLUME_TEMPLATE),
                                NameTemplates.volumeData(pvc.name(), disk));
                        assertThat(volume.problem()).as(where + " volumeNameTemplate").isEmpty();
                        rendered++;
                    }
                    var network = NameTemplates.effective(plan.spec, vm, NameTemplates.Kind.NETWORK);
                    if (network.isPresent()) {
                        var net = NameTemplates.renderName(NameTemplates.Kind.NETWORK, network.get(),
                                NameTemplates.networkData("multus", "nad", "ns", 0));
                        assertThat(net.problem()).as(where + " networkNameTemplate").isEmpty();
                    }
                }
            }
        }
        assertThat(rendered).isGreaterThan(SOURCE_TYPES.size());
    }
}
