import io.hoist.core.transfer.checksum.BlockHasher;
import io.hoist.core.transfer.checksum.ChecksumMode;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.Random;

/**
 * CPU seconds per GiB of each block hasher, on one thread, over 4 MiB random blocks in a direct buffer (what a copy
 * worker hashes). Run it the way `hoist copy` runs (C1 only):
 * java -XX:TieredStopAtLevel=1 --enable-native-access=ALL-UNNAMED \
 *      -cp plugin-api/target/classes:platform-core/transfer/target/classes:$HOME/.m2/repository/com/dynatrace/hash4j/hash4j/0.25.0/hash4j-0.25.0.jar \
 *      bench/transfer/HashCost.java
 */
public class HashCost {
    public static void main(String[] args) {
        ByteBuffer block = ByteBuffer.allocateDirect(4 << 20);
        byte[] random = new byte[4 << 20];
        new Random(1).nextBytes(random);
        block.put(random).clear();
        var threads = ManagementFactory.getThreadMXBean();
        for (int round = 1; round <= 2; round++) {
            for (String name : new String[] {"xxh128-4m", "xxh128-4m-java", "sha256-4m"}) {
                // xxh128-4m-java: the pure-Java fallback (hash4j) used where libxxhash is missing
                System.setProperty(ChecksumMode.XXH3_PROPERTY, name.endsWith("-java") ? "java" : "native");
                BlockHasher hasher = ChecksumMode.parse(name.replace("-java", ""), "mode").newHasher();
                long cpu0 = threads.getCurrentThreadCpuTime();
                long wall0 = System.nanoTime();
                for (int i = 0; i < 256; i++) { // 1 GiB
                    hasher.digest(block.duplicate());
                }
                System.out.printf("round %d %-15s %.3f CPU-s per GiB (wall %.3f s)%n", round, name,
                        (threads.getCurrentThreadCpuTime() - cpu0) / 1e9, (System.nanoTime() - wall0) / 1e9);
            }
        }
    }
}
