package io.hoist.core.store.sqlite;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.ResourceKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Benchmark, not a test: durable writes per second (creates, then updates) from 1 and 8 threads, and
 * reads per second. Run: see platform-core/store/README.md ("Figures").
 */
public final class StoreWriteBench {
    private StoreWriteBench() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        Path dir = Files.createTempDirectory("hoist-store-bench");
        ObjectMapper json = new ObjectMapper();
        try (SqliteResourceStore store = SqliteResourceStore.open(dir)) {
            for (int threads : new int[] {1, 8}) {
                long t0 = System.nanoTime();
                ExecutorService pool = Executors.newFixedThreadPool(threads);
                List<Future<?>> fs = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    fs.add(pool.submit(() -> {
                        for (int i = thread; i < n; i += threads) {
                            ObjectNode o = json.createObjectNode();
                            o.putObject("metadata").put("namespace", "bench" + threads).put("name", "p" + i);
                            o.putObject("spec").put("description", "x".repeat(1024));
                            store.create(ResourceKind.PLAN, o);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : fs) {
                    f.get();
                }
                pool.shutdown();
                double secs = (System.nanoTime() - t0) / 1e9;
                System.out.printf("creates, %d thread(s): %d in %.2f s = %.0f/s%n", threads, n, secs, n / secs);
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                store.get(ResourceKind.PLAN, "bench1", "p" + (i % n)).orElseThrow();
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("gets, 1 thread: %d in %.2f s = %.0f/s%n", n, secs, n / secs);
        }
        System.out.println("data dir (delete when done): " + dir);
    }
}
