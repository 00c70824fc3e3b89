import io.hoist.api.inventory.InventoryPublisher;
import io.hoist.plugin.vsphere.inventory.Documents;
import io.hoist.plugin.vsphere.soap.VimSession;
import io.hoist.plugin.vsphere.soap.VimSoapClient.Arg;
import io.hoist.plugin.vsphere.testsupport.Providers;
import io.hoist.plugin.vsphere.testsupport.Hosts;
import io.hoist.testkit.HostContextTestDouble;
import io.hoist.testkit.RecordingInventoryPublisher;
import io.hoist.plugin.vsphere.testsupport.Vcsim;
import io.hoist.api.source.SourceProvider;
import io.hoist.api.source.WatchesInventory;
import com.vmware.vim25.ManagedObjectReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Scale bench (not a test): govmomi's simulator with VMS VMs on HOSTS hosts in one cluster; prints the
 * full inventory load time, the heap it takes, and the delay from a change in the simulator (a VM
 * rename) to the published inventory. Run through bench/vsphere/run.sh.
 */
public class InventoryScaleBench {
    public static void main(String[] args) throws Exception {
        int vms = Integer.parseInt(System.getProperty("vms", "2000"));
        int hosts = Integer.parseInt(System.getProperty("hosts", "8"));
        int changes = Integer.parseInt(System.getProperty("changes", "20"));
        long t0 = System.nanoTime();
        try (Vcsim vcsim = Vcsim.start("-dc", "1", "-cluster", "1", "-cluster-host", String.valueOf(hosts), "-host", "0",
                "-vm", String.valueOf(vms), "-ds", "2", "-pg", "2")) {
            System.out.printf("simulator: %d VMs on %d hosts, started in %.1f s%n", vcsim.vms, vcsim.hosts,
                    (System.nanoTime() - t0) / 1e9);
            HostContextTestDouble host = Hosts.create();
            long heapBefore = usedHeap();
            try (SourceProvider src = Providers.source(vcsim, host)) {
                long c0 = System.nanoTime();
                src.collectInventory(host.inventory());
                double loadSeconds = (System.nanoTime() - c0) / 1e9;
                long heapAfter = usedHeap();
                System.out.printf("full inventory load: %.2f s (%d VMs, %d hosts published)%n", loadSeconds,
                        host.inventory().count(Documents.VMS), host.inventory().count(Documents.HOSTS));
                System.out.printf("heap held by model + published documents: %.1f MiB%n",
                        (heapAfter - heapBefore) / 1048576.0);
                long c1 = System.nanoTime();
                src.collectInventory(new RecordingInventoryPublisher());
                System.out.printf("second full load (warm JVM): %.2f s%n", (System.nanoTime() - c1) / 1e9);
                long heapModel = usedHeap();
                try (SourceProvider other = Providers.source(vcsim, Hosts.create())) {
                    other.collectInventory(new InventoryPublisher() {
                        public void beginCollection() { }
                        public void endCollection() { }
                        public void put(String c, String id, String n, Object d) { }
                        public void remove(String c, String id) { }
                        public void putWorkload(String id, Object w) { }
                        public void putTree(String n, Object t) { }
                        public void fail(String reason) { }
                    });
                    System.out.printf("  of which the plugin's own mirror (documents discarded): %.1f MiB%n",
                            (usedHeap() - heapModel) / 1048576.0);
                }

                // change → inventory delay: time from the rename task's completion to the put of the new name
                Map<String, Long> seen = new ConcurrentHashMap<>();
                InventoryPublisher timing = new TimingPublisher(host.inventory(), seen);
                AtomicBoolean stop = new AtomicBoolean();
                CompletableFuture<Void> watching = CompletableFuture.runAsync(() -> {
                    try {
                        ((WatchesInventory) src).watch(timing, stop::get);
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                VimSession admin = Providers.admin(vcsim);
                List<String> ids = new ArrayList<>(host.inventory().collections.get(Documents.VMS).keySet());
                Collections.sort(ids);
                List<Double> delays = new ArrayList<>();
                for (int i = 0; i < changes; i++) {
                    String id = ids.get((i * 97) % ids.size());
                    String name = "bench-renamed-" + i;
                    admin.waitForTask(admin.invoke("Rename_Task", VimSession.mor("VirtualMachine", id),
                            ManagedObjectReference.class, new Arg("newName", "String", name)), Duration.ofSeconds(60));
                    long done = System.nanoTime();
                    long deadline = done + TimeUnit.SECONDS.toNanos(30);
                    while (!seen.containsKey(name) && System.nanoTime() < deadline) {
                        Thread.sleep(1);
                    }
                    Long at = seen.get(name);
                    delays.add(at == null ? Double.NaN : Math.max(0, at - done) / 1e6);
                }
                Collections.sort(delays);
                System.out.printf("change -> inventory delay over %d renames: median %.0f ms, max %.0f ms%n", changes,
                        delays.get(delays.size() / 2), delays.get(delays.size() - 1));
                List<Long> ours = new ArrayList<>();
                for (String line : host.logLines) {
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("published in (\\d+) ms").matcher(line);
                    if (m.find()) {
                        ours.add(Long.parseLong(m.group(1)));
                    }
                }
                Collections.sort(ours);
                if (!ours.isEmpty()) {
                    System.out.printf("  of which the plugin (apply update, rebuild documents and trees): median %d ms,"
                            + " max %d ms over %d update sets; the rest is the simulator's WaitForUpdatesEx"
                            + " (it batches every 250 ms and re-walks its container view)%n",
                            ours.get(ours.size() / 2), ours.get(ours.size() - 1), ours.size());
                }
                stop.set(true);
                watching.get(60, TimeUnit.SECONDS);
                admin.logout();
            }
        }
        System.out.println("rerun: bench/vsphere/run.sh  (VMS=" + vms + " HOSTS=" + hosts + ")");
        System.exit(0);
    }

    static long usedHeap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    /** Records when a VM document with a given name was published. */
    record TimingPublisher(InventoryPublisher delegate, Map<String, Long> seen) implements InventoryPublisher {
        public void beginCollection() { delegate.beginCollection(); }
        public void endCollection() { delegate.endCollection(); }
        public void put(String collection, String id, String name, Object document) {
            delegate.put(collection, id, name, document);
            if (Documents.VMS.equals(collection)) {
                seen.putIfAbsent(name, System.nanoTime());
            }
        }
        public void remove(String collection, String id) { delegate.remove(collection, id); }
        public void putWorkload(String vmId, Object workload) { delegate.putWorkload(vmId, workload); }
        public void putTree(String name, Object tree) { delegate.putTree(name, tree); }
        public void fail(String reason) { delegate.fail(reason); }
    }
}
