import io.hoist.api.inventory.InventoryPublisher;
import io.hoist.plugin.ovirt.OvirtSource;
import io.hoist.plugin.ovirt.testsupport.OvirtEngineTestServer;
import io.hoist.plugin.ovirt.testsupport.RecordingPublisher;
import io.hoist.plugin.ovirt.testsupport.TestHost;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Scale bench (not a test): the oVirt test engine scaled to VMS VMs (clones of the recorded vm_on with their NICs,
 * disk attachments, snapshots and disks) on HOSTS hosts; prints the time to the first full inventory and the delay
 * from a change in the engine (a VM rename with its event) to the published inventory. Run through bench/ovirt/run.sh.
 */
public class InventoryScaleBench {
    public static void main(String[] args) throws Exception {
        int vms = Integer.parseInt(System.getProperty("vms", "2000"));
        int hosts = Integer.parseInt(System.getProperty("hosts", "8"));
        int changes = Integer.parseInt(System.getProperty("changes", "20"));
        System.setProperty("hoist.ovirt.eventPollMillis", System.getProperty("pollMillis", "1000"));
        try (OvirtEngineTestServer engine = new OvirtEngineTestServer()) {
            List<String> ids = engine.scale(OvirtEngineTestServer.VM_ON, vms, hosts);
            TestHost host = new TestHost();
            try (OvirtSource src = host.source(engine)) {
                long c0 = System.nanoTime();
                src.collectInventory(host.publisher);
                double first = (System.nanoTime() - c0) / 1e9;
                System.out.printf("first full inventory: %.2f s (%d VMs, %d hosts, %d disks published; %d requests)%n", first,
                        host.publisher.count("vms"), host.publisher.count("hosts"), host.publisher.count("disks"),
                        engine.requests.size());
                long c1 = System.nanoTime();
                src.collectInventory(new RecordingPublisher());
                System.out.printf("second full inventory (warm JVM): %.2f s%n", (System.nanoTime() - c1) / 1e9);

                Map<String, Long> seen = new ConcurrentHashMap<>();
                InventoryPublisher timing = new InventoryPublisher() {
                    public void beginCollection() { }
                    public void endCollection() { }
                    public void put(String c, String id, String n, Object d) {
                        if ("vms".equals(c) && n != null) {
                            seen.putIfAbsent(n, System.nanoTime());
                        }
                    }
                    public void remove(String c, String id) { }
                    public void putWorkload(String id, Object w) { }
                    public void putTree(String n, Object t) { }
                    public void fail(String reason) { }
                };
                AtomicBoolean stop = new AtomicBoolean();
                CompletableFuture<Void> watching = CompletableFuture.runAsync(() -> {
                    try {
                        src.watch(timing, stop::get);
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                List<Double> delays = new ArrayList<>();
                for (int i = 0; i < changes; i++) {
                    String id = ids.get((i * 97) % ids.size());
                    String name = "bench-renamed-" + i;
                    long done = System.nanoTime();
                    engine.editVm(id, vm -> vm.getElementsByTagName("name").item(0).setTextContent(name), "VM renamed");
                    long deadline = done + TimeUnit.SECONDS.toNanos(30);
                    while (!seen.containsKey(name) && System.nanoTime() < deadline) {
                        Thread.sleep(1);
                    }
                    Long at = seen.get(name);
                    delays.add(at == null ? Double.NaN : (at - done) / 1e6);
                }
                Collections.sort(delays);
                System.out.printf("change -> inventory delay over %d renames (event poll every %s ms): median %.0f ms, max %.0f ms%n",
                        changes, System.getProperty("hoist.ovirt.eventPollMillis"), delays.get(delays.size() / 2),
                        delays.get(delays.size() - 1));
                stop.set(true);
                watching.get(60, TimeUnit.SECONDS);
            }
        }
        System.out.println("rerun: bench/ovirt/run.sh  (VMS=" + vms + " HOSTS=" + hosts + ")");
        System.exit(0);
    }
}
