package io.hoist.core.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.api.destination.TargetNic;
import io.hoist.api.destination.TargetVmSpec;
import io.hoist.api.host.HostContext;
import io.hoist.api.provider.KeepsGuestDevices;
import io.hoist.api.provider.ProviderConfig;
import io.hoist.api.provider.ShipsOsMap;
import io.hoist.api.provider.SourceProviderFactory;
import io.hoist.api.source.Firmware;
import io.hoist.api.source.PowerState;
import io.hoist.api.source.SourceDisk;
import io.hoist.api.source.SourceNic;
import io.hoist.api.source.SourceProvider;
import io.hoist.api.source.SourceVm;
import io.hoist.core.engine.runtime.Extensions;
import io.hoist.core.model.resource.Plan;
import io.hoist.core.model.resource.Provider;
import io.hoist.core.store.sqlite.SqliteResourceStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A source whose guests already run on KVM ({@link KeepsGuestDevices}, OpenStack) keeps its disk bus and NIC models
 * in the target spec, mapped as MTV's OpenStack builder maps them, and a source type the engine has no OS map for
 * gets its preference from the map its plugin ships ({@link ShipsOsMap}). Sources without the abilities keep the
 * engine's devices (virtio, or the compatibility-mode ones).
 */
class TargetSpecBuilderKeptDevicesTest {
    static SourceVm vm(String bus, String... nicModels) {
        List<SourceNic> nics = new java.util.ArrayList<>();
        for (int i = 0; i < nicModels.length; i++) {
            nics.add(new SourceNic("port-" + i, "fa:16:3e:00:00:0" + i, "net-1", "private", nicModels[i]));
        }
        return new SourceVm("srv-1", "web", 1, 2, 1, 2L << 30, Firmware.EFI, false, PowerState.ON, "compute-1", "rhel.9",
                List.of(new SourceDisk("vol-data", "data", 1L << 30, "ds1", bus, false, 0),
                        new SourceDisk("vol-root", "root", 1L << 30, "ds1", bus, false, 1)),
                nics);
    }

    static TargetSpecBuilder.Built build(SourceVm vm, String specJson, TargetSpecBuilder.Context ctx) throws Exception {
        Plan plan = TargetSpecBuilderMtvFieldsTest.plan(specJson, "");
        plan.spec.vms.get(0).id = vm.id();
        return TargetSpecBuilder.build(vm, plan, plan.spec.vms.get(0), TargetSpecBuilderMtvFieldsTest.network(),
                TargetSpecBuilderMtvFieldsTest.storage(), "u1", "m1", true, ctx);
    }

    static TargetSpecBuilder.Context openstack(boolean keep, Map<String, String> osMap) {
        return new TargetSpecBuilder.Context("os-uid", "openstack", osMap, null, null, Set.of(), keep);
    }

    @Test
    void aKvmSourceKeepsItsDiskBusAndNicModelsEvenWithCompatibilityModeOnByDefault() throws Exception {
        // skipGuestConversion with useCompatibilityMode unset is MTV's compatibility mode: sata/e1000e for others
        TargetSpecBuilder.Built kept = build(vm("scsi", "e1000e", "rtl8139"), "\"skipGuestConversion\": true",
                openstack(true, Map.of()));
        assertThat(kept.spec().diskBus()).isEqualTo("scsi");
        assertThat(kept.spec().nics()).extracting(TargetNic::model).containsExactly("e1000e", "rtl8139");
        assertThat(kept.notes()).isEmpty();

        TargetSpecBuilder.Built engines = build(vm("scsi", "e1000e", "rtl8139"), "\"skipGuestConversion\": true",
                openstack(false, Map.of()));
        assertThat(engines.spec().diskBus()).isEqualTo("sata");
        assertThat(engines.spec().nics()).extracting(TargetNic::model).containsExactly("e1000e", "e1000e");
        TargetVmSpec converted = build(vm("scsi", "rtl8139"), "", openstack(false, Map.of())).spec();
        assertThat(converted.diskBus()).isEqualTo("virtio");
        assertThat(converted.nics()).extracting(TargetNic::model).containsExactly("virtio");
    }

    @Test
    void busesAndModelsKubevirtLacksBecomeTheNearestAsMtvMapsThem() throws Exception {
        assertThat(build(vm("ide", "VirtualE1000"), "", openstack(true, Map.of())).spec())
                .satisfies(s -> {
                    assertThat(s.diskBus()).as("q35 has no IDE").isEqualTo("sata");
                    assertThat(s.nics().get(0).model()).isEqualTo("e1000");
                });
        assertThat(build(vm("virtio", "virtio"), "", openstack(true, Map.of())).spec().diskBus()).isEqualTo("virtio");
        assertThat(build(vm("sata", "pcnet"), "", openstack(true, Map.of())).spec().nics().get(0).model()).isEqualTo("pcnet");
        assertThat(build(vm(null, (String) null), "", openstack(true, Map.of())).spec())
                .satisfies(s -> {
                    assertThat(s.diskBus()).as("no hw_disk_bus: Nova's default").isEqualTo("virtio");
                    assertThat(s.nics().get(0).model()).isEqualTo("virtio");
                });
    }

    @Test
    void aBusOrModelKubevirtHasNoDeviceForBecomesVirtioWithAConditionNamingIt() throws Exception {
        TargetSpecBuilder.Built b = build(vm("xen", "netfront", "netfront"), "", openstack(true, Map.of()));
        assertThat(b.spec().diskBus()).isEqualTo("virtio");
        assertThat(b.spec().nics()).extracting(TargetNic::model).containsExactly("virtio", "virtio");
        assertThat(b.notes()).extracting(TargetSpecBuilder.Note::conditionType)
                .containsExactly("DiskBusNotKept", "NicModelNotKept");
        assertThat(b.notes().get(0).message()).contains("'xen'");
        assertThat(b.notes().get(1).message()).contains("'netfront'");
    }

    @Test
    void theBootDisksBusIsTheVmsBus() throws Exception {
        SourceVm mixed = new SourceVm("srv-1", "web", 1, 1, 1, 1L << 30, Firmware.BIOS, false, PowerState.ON, null, null,
                List.of(new SourceDisk("vol-data", "data", 1L << 30, "ds1", "virtio", false, 0),
                        new SourceDisk("vol-root", "root", 1L << 30, "ds1", "scsi", false, 1)),
                List.of());
        assertThat(build(mixed, "", openstack(true, Map.of())).spec().diskBus()).isEqualTo("scsi");
    }

    @Test
    void anExplicitCompatibilityModeTheSourceDoesNotNeedIsACondition() throws Exception {
        TargetSpecBuilder.Built b = build(vm("scsi", "virtio"),
                "\"skipGuestConversion\": true, \"useCompatibilityMode\": true", openstack(true, Map.of()));
        assertThat(b.spec().diskBus()).isEqualTo("scsi");
        assertThat(b.notes()).extracting(TargetSpecBuilder.Note::conditionType).containsExactly("CompatibilityModeNotApplied");
    }

    @Test
    void theOsMapAPluginShipsGivesThePreferenceAndAnUnmappedOsIsACondition() throws Exception {
        TargetVmSpec mapped = build(vm("virtio", "virtio"), "", openstack(true, Map.of("rhel.9", "rhel.9"))).spec();
        assertThat(mapped.flavor().preference()).isEqualTo("rhel.9");
        TargetSpecBuilder.Built unmapped = build(vm("virtio", "virtio"), "", openstack(true, Map.of("fedora", "fedora")));
        assertThat(unmapped.spec().flavor().preference()).isNull();
        assertThat(unmapped.notes()).extracting(TargetSpecBuilder.Note::conditionType).containsExactly("OsNotMapped");
    }

    /** What a provider plugin's factory says through the abilities, for {@link TargetContexts}. */
    record FactoryTestDouble(String type) implements SourceProviderFactory, ShipsOsMap {
        @Override
        public SourceProvider create(ProviderConfig config, HostContext context) {
            throw new UnsupportedOperationException("never asked for a source here");
        }

        @Override
        public Map<String, String> defaultOsMap() {
            return Map.of("rhel.9", "rhel.9", "rhel9_64Guest", "not-the-engines");
        }
    }

    static final class KeepingFactoryTestDouble implements SourceProviderFactory, KeepsGuestDevices {
        @Override
        public String type() {
            return "kvmcloud";
        }

        @Override
        public SourceProvider create(ProviderConfig config, HostContext context) {
            throw new UnsupportedOperationException("never asked for a source here");
        }
    }

    @Test
    void targetContextsAskTheSourceTypesFactoryAndKeepTheEnginesOwnMapsForVsphere(@TempDir Path tmp) {
        try (SqliteResourceStore store = SqliteResourceStore.open(tmp)) {
            Extensions ext = Extensions.of(List.of(new FactoryTestDouble("shipsmap"), new KeepingFactoryTestDouble(),
                    new FactoryTestDouble(Provider.TYPE_VSPHERE)), List.of(), List.of(), List.of());
            TargetContexts contexts = new TargetContexts(store, ext);

            TargetSpecBuilder.Context ships = contexts.context("u", "shipsmap", null, Set.of());
            assertThat(ships.osMap()).containsEntry("rhel.9", "rhel.9");
            assertThat(ships.keepSourceDevices()).isFalse();

            TargetSpecBuilder.Context keeps = contexts.context("u", "kvmcloud", null, Set.of());
            assertThat(keeps.keepSourceDevices()).isTrue();
            assertThat(keeps.osMap()).isEmpty();

            TargetSpecBuilder.Context vsphere = contexts.context("u", Provider.TYPE_VSPHERE, null, Set.of());
            assertThat(vsphere.osMap()).as("MTV's vSphere map wins over a plugin's")
                    .isEqualTo(OsMaps.defaults(Provider.TYPE_VSPHERE)).doesNotContainValue("not-the-engines");
            assertThat(vsphere.keepSourceDevices()).isFalse();
            assertThat(contexts.context("u", "nobody", null, Set.of()).osMap()).isEmpty();
        }
    }
}
