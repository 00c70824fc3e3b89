package io.hoist.core.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hoist.api.source.Firmware;
import io.hoist.api.source.PowerState;
import io.hoist.api.source.SourceVm;
import io.hoist.core.model.resource.Plan;
import java.util.List;
import org.junit.jupiter.api.Test;

/** preserveClusterCpuModel keeps the CPU model the source names (SourceVm.cpuModel); without it the target has none. */
class TargetSpecBuilderCpuModelTest {
    private static Plan plan(boolean preserve) throws Exception {
        return new ObjectMapper().readValue("""
                {"apiVersion": "forklift.konveyor.io/v1beta1", "kind": "Plan",
                 "metadata": {"name": "p", "namespace": "ns", "uid": "u1"},
                 "spec": {"targetNamespace": "t", "preserveClusterCpuModel": %s, "vms": [{"id": "vm-1"}]}}
                """.formatted(preserve), Plan.class);
    }

    @Test
    void theSourceCpuModelIsKeptOnlyWhenThePlanAsks() throws Exception {
        SourceVm vm = new SourceVm("vm-1", "db", 1, 2, 1, 1L << 30, Firmware.BIOS, false, PowerState.OFF, null, "rhel_9x64",
                List.of(), List.of(), "Intel Skylake Server Family");
        Plan keep = plan(true);
        Plan drop = plan(false);
        assertThat(TargetSpecBuilder.build(vm, keep, keep.spec.vms.get(0), null, null, "u1", "m1", false).cpuModel())
                .isEqualTo("Intel Skylake Server Family");
        assertThat(TargetSpecBuilder.build(vm, drop, drop.spec.vms.get(0), null, null, "u1", "m1", false).cpuModel()).isNull();
    }
}
