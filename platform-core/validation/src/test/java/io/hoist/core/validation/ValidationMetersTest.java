package io.hoist.core.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.api.inventory.InventoryPublisher;
import io.hoist.core.inventory.Inventory;
import io.hoist.core.inventory.ProviderRef;
import io.hoist.policy.engine.Limits;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each VM validation by the real compiled rules is one observation of the latency histogram, under its package. */
class ValidationMetersTest {
    @TempDir
    Path data;

    @Test
    void everyValidationIsCountedAndTimedUnderItsPackage() throws Exception {
        Inventory inventory = new Inventory();
        InventoryPublisher vsphere = inventory.register(new ProviderRef("uid-vc", "demo", "vcenter", "vsphere"));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (ValidationService service = new ValidationService(inventory, data.resolve("rules"), Limits.defaults(), 1)
                .meterEvaluations(meters).start(Duration.ofHours(1), Duration.ofMinutes(5))) {
            String pkg = service.packages().forProviderType("vsphere").orElseThrow();
            for (String id : new String[] {"vm-1", "vm-2"}) {
                Map<String, Object> vm = new LinkedHashMap<>(Workloads.load("vsphere-erp-db-01.json"));
                vm.put("id", id);
                vsphere.put("vms", id, id, vm);
            }
            assertThat(service.awaitIdle(Duration.ofMinutes(3))).isTrue();
            Timer ok = meters.get("hoist_validation_duration").tags("package", pkg, "outcome", "ok").timer();
            assertThat(ok.count()).isEqualTo(service.validatedCount()).isEqualTo(2);
            assertThat(ok.totalTime(TimeUnit.NANOSECONDS)).isPositive();
            assertThat(meters.find("hoist_validation_duration").tag("outcome", "failed").timer()).isNull();
        }
    }
}
