package io.hoist.core.store.sqlite;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.ResourceKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

/**
 * Child JVM for {@link KillNineDurabilityTest}: writes forever (creates of checksummed objects and
 * updates of one counter) and prints a line only after each write returned, i.e. was acknowledged.
 * The parent kills it with SIGKILL at a random point.
 */
public final class KillNineWriteLoopChild {
    private KillNineWriteLoopChild() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int run = Integer.parseInt(args[1]);
        Random random = new Random(run);
        ObjectMapper json = new ObjectMapper();
        SqliteResourceStore store = SqliteResourceStore.open(dir);
        ObjectNode counter = store.get(ResourceKind.CONFIG_MAP, "ns", "counter").orElse(null);
        if (counter == null) {
            ObjectNode c = json.createObjectNode();
            c.putObject("metadata").put("namespace", "ns").put("name", "counter");
            c.putObject("data").put("n", "0");
            counter = store.create(ResourceKind.CONFIG_MAP, c);
        }
        System.out.println("READY");
        System.out.flush();
        for (int i = 0; ; i++) {
            String name = "obj-" + run + "-" + i;
            byte[] payload = new byte[512 + random.nextInt(8192)];
            random.nextBytes(payload);
            String hex = HexFormat.of().formatHex(payload);
            ObjectNode o = json.createObjectNode();
            o.putObject("metadata").put("namespace", "ns").put("name", name);
            o.putObject("spec").put("payload", hex).put("sha256", sha256(hex));
            store.create(ResourceKind.PLAN, o);
            System.out.println("C " + name);
            long n = Long.parseLong(counter.at("/data/n").asText()) + 1;
            ((ObjectNode) counter.get("data")).put("n", Long.toString(n));
            counter = store.update(ResourceKind.CONFIG_MAP, counter);
            System.out.println("U " + n);
            System.out.flush();
        }
    }

    static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
