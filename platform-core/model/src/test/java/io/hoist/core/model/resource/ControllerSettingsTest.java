package io.hoist.core.model.resource;

import io.hoist.core.model.Manifests;
import io.hoist.core.model.Resources;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ControllerSettingsTest {
    @Test
    void defaultsMatchTheOperatorDocs() {
        ControllerSettings s = ControllerSettings.from(null);
        assertThat(s.maxVmInflight()).isEqualTo(20);
        assertThat(s.maxDisksInflightTotal()).as("no platform-wide limit unless set").isZero();
        assertThat(s.precopyInterval()).isEqualTo(Duration.ofMinutes(60));
        assertThat(s.snapshotStatusCheckRate()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.filesystemOverheadPercent()).isEqualTo(10);
        assertThat(s.blockOverheadBytes()).isZero();
        assertThat(s.containerLimitsCpu()).isEqualTo("500m");
        assertThat(s.containerLimitsMemory()).isEqualTo("800Mi");
        assertThat(s.retainPrecopyImporterPods()).isFalse();
        assertThat(s.transferNetwork()).isEmpty();
        assertThat(s.vsphereOsmapConfigMapName()).isEqualTo("forklift-vsphere-osmap");
        assertThat(s.ovirtOsmapConfigMapName()).isEqualTo("forklift-ovirt-osmap");
        assertThat(s.mustGatherApiCleanupMaxAgeHours()).isEqualTo(-1);
        assertThat(s.problems()).isEmpty();
    }

    @Test
    void valuesAsNumbersOrStringsAreRead() {
        ForkliftController fc = Resources.toTyped(Manifests.parseOne("""
                apiVersion: forklift.konveyor.io/v1beta1
                kind: ForkliftController
                metadata: {name: forklift-controller}
                spec:
                  controller_max_vm_inflight: 5
                  controller_max_disks_inflight_total: "40"
                  controller_precopy_interval: "15"
                  controller_filesystem_overhead: 20
                  controller_block_overhead: 1Gi
                  controller_retain_precopy_importer_pods: "true"
                  controller_transfer_network: openshift-mtv/transfer
                  feature_ui_plugin: "true"
                """, "fc"), ForkliftController.class);
        ControllerSettings s = fc.settings();
        assertThat(s.maxVmInflight()).isEqualTo(5);
        assertThat(s.maxDisksInflightTotal()).isEqualTo(40);
        assertThat(s.precopyInterval()).isEqualTo(Duration.ofMinutes(15));
        assertThat(s.filesystemOverheadPercent()).isEqualTo(20);
        assertThat(s.blockOverheadBytes()).isEqualTo(1L << 30);
        assertThat(s.retainPrecopyImporterPods()).isTrue();
        assertThat(s.transferNetwork()).contains("openshift-mtv/transfer");
        assertThat(s.raw("feature_ui_plugin")).isPresent();
        assertThat(s.problems()).isEmpty();
    }

    @Test
    void aNegativePlatformWideLimitIsAProblemNamingTheField() {
        ControllerSettings s = ControllerSettings.fromSpec((com.fasterxml.jackson.databind.node.ObjectNode)
                Resources.MAPPER.createObjectNode().put("controller_max_disks_inflight_total", -1));
        assertThat(s.problems()).containsOnlyKeys("controller_max_disks_inflight_total");
    }

    @Test
    void quantities() {
        assertThat(Quantity.parseBytes("1024")).isEqualTo(1024);
        assertThat(Quantity.parseBytes("30Gi")).isEqualTo(30L << 30);
        assertThat(Quantity.parseBytes("500M")).isEqualTo(500_000_000L);
        assertThat(Quantity.parseBytes("1.5Ki")).isEqualTo(1536);
        assertThatThrownBy(() -> Quantity.parseBytes("12 parsecs")).hasMessageContaining("not a quantity");
    }
}
