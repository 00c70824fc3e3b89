package io.hoist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.core.model.Manifests;
import org.junit.jupiter.api.Test;

class StatusCommandTest {
    @Test
    void showsEachVmsStepsWithProgressRateAndEta() {
        var plan = Manifests.parse("""
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Plan
                metadata: {name: p1, namespace: demo}
                status:
                  conditions:
                  - {type: Executing, status: "True", category: Advisory, message: running}
                  migration:
                    started: "2026-11-26T01:00:00Z"
                    vms:
                    - id: vm-7
                      name: web-1
                      phase: CopyDisks
                      conditions:
                      - {type: Pending, status: "True", category: Advisory, message: "waiting: in-flight limit reached (max 20)"}
                      pipeline:
                      - {name: Initialize, phase: Completed}
                      - name: DiskTransfer
                        phase: Running
                        progress: {completed: 512, total: 2048}
                        annotations: {hoist.io/rate-mibps: "211.5", hoist.io/eta-seconds: "7"}
                      - {name: ImageConversion, phase: Pending}
                """).get(0);
        String text = StatusCommand.render(plan);
        assertThat(text).contains("PLAN p1").contains("[Executing]");
        assertThat(text).contains("web-1").contains("CopyDisks").contains("Pending: waiting: in-flight limit reached (max 20)");
        assertThat(text).containsPattern("DiskTransfer\\s+Running\\s+512/2048 MB\\s+211.5 MiB/s\\s+ETA 7s");
        assertThat(text).containsPattern("ImageConversion\\s+Pending");
        assertThat(StatusCommand.isTrue(plan, "Executing")).isTrue();
        assertThat(StatusCommand.isTrue(plan, "Succeeded")).isFalse();
    }
}
