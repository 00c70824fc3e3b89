package io.hoist.core.model.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.Manifests;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.model.admission.MtvAdmission;
import io.hoist.core.model.template.GoTemplate;

import java.util.Map;

/** Prints admission and template rendering figures; run by ../../bench.sh, not a unit test. */
public final class ModelBench {
    private ModelBench() {
    }

    public static void main(String[] args) {
        int vmCount = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        ObjectNode plan = Manifests.parseOne("""
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Plan
                metadata: {name: big, namespace: hoist}
                spec:
                  targetNamespace: demo
                  provider: {source: {name: s}, destination: {name: d}}
                  map: {network: {name: n}, storage: {name: s}}
                  pvcNameTemplate: "{{.VmName}}-disk-{{.DiskIndex}}"
                  vms: []
                """, "bench");
        ArrayNode vms = (ArrayNode) plan.at("/spec/vms");
        for (int i = 0; i < vmCount; i++) {
            ObjectNode vm = vms.addObject().put("id", "vm-" + i).put("targetName", "target-" + i);
            vm.putArray("hooks").addObject().put("step", "PreHook").putObject("hook").put("name", "pre");
        }
        MtvAdmission admission = new MtvAdmission();
        long t0 = System.nanoTime();
        admission.admit(ResourceKind.PLAN, plan, null);
        System.out.printf("first Plan admission (loads the Plan CRD schema): %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        int runs = 50;
        long t1 = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            admission.admit(ResourceKind.PLAN, plan, null);
        }
        System.out.printf("admit a %d-VM plan: %.1f ms (mean of %d)%n", vmCount, (System.nanoTime() - t1) / 1e6 / runs, runs);
        GoTemplate t = GoTemplate.parse("pvcNameTemplate",
                "{{.FileName | trimSuffix \".vmdk\" | replace \"_\" \"-\" | replace \".\" \"-\" | lower}}-disk-{{.DiskIndex}}");
        Map<String, Object> data = Map.of("FileName", "VM_Disk.1.vmdk", "DiskIndex", 0);
        int renders = 200_000;
        long t2 = System.nanoTime();
        for (int i = 0; i < renders; i++) {
            t.render(data);
        }
        System.out.printf("render a PVC name template: %.2f us (mean of %d)%n", (System.nanoTime() - t2) / 1e3 / renders, renders);
    }
}
