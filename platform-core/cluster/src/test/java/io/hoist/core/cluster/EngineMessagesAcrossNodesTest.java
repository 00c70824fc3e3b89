package io.hoist.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.api.transfer.TransferProgress;
import io.hoist.core.engine.bus.Messages;
import io.hoist.core.engine.bus.Messages.PlanKey;
import io.hoist.core.engine.bus.RecordCodec;
import io.hoist.core.model.ResourceKind;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The engine's messages as they travel between nodes: through each codec's wire form, and over a real clustered bus. */
class EngineMessagesAcrossNodesTest {
    private static final PlanKey PLAN = new PlanKey("team-a", "wave-1");

    /** One value of every engine message type, every field set to something other than its default. */
    static List<Object> oneOfEach() {
        Messages.DiskCopied copied = new Messages.DiskCopied("disk-0", 1L << 33, 1L << 34, "sha256-4m", "abc", "abc");
        return List.of(
                new Messages.RunVm(PLAN, "m-1", "uid-1", "vm-42"),
                new Messages.CancelVms(PLAN, "uid-1", List.of("vm-42", "vm-43")),
                new Messages.DiskProgress(PLAN, "uid-1", "m-1", "vm-42", "DiskTransfer", "esx-1",
                        new TransferProgress("disk-0", 512, 1024, 12.5e6, 40)),
                new Messages.Reconcile(ResourceKind.PLAN, "team-a", "wave-1"),
                new Messages.CopyDisks(PLAN, "uid-1", "vm-42", "copy-7", "esx-1", 3, 10),
                copied,
                new Messages.CopyDone("copy-7", "vm-42", List.of(copied), true, "Transient", "connection reset"));
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void everyMessageTypeSurvivesItsWireForm() {
        List<Object> samples = oneOfEach();
        assertThat(samples.stream().map(Object::getClass).toList())
                .as("a sample of every type in Messages.TYPES").containsExactlyInAnyOrderElementsOf(Messages.TYPES);
        for (Object sample : samples) {
            RecordCodec codec = new RecordCodec(sample.getClass());
            Buffer wire = Buffer.buffer().appendString("header"); // a message's body does not start at 0 on the wire
            codec.encodeToWire(wire, sample);
            Object back = codec.decodeFromWire("header".length(), wire);
            assertThat(back).as(sample.getClass().getSimpleName()).isNotSameAs(sample).isEqualTo(sample);
        }
    }

    @Test
    void aMessageSentOnOneNodeArrivesOnTheOtherDecoded() throws Exception {
        int portA = freePort();
        int portB = freePort();
        List<String> members = List.of("127.0.0.1:" + portA, "127.0.0.1:" + portB);
        Vertx a = null;
        Vertx b = null;
        try {
            a = clustered(new ClusterSettings("127.0.0.1", portA, members, Map.of(), "node-a"));
            b = clustered(new ClusterSettings("127.0.0.1", portB, members, Map.of(), "node-b"));
            for (Vertx v : List.of(a, b)) {
                RecordCodec.registerAll(v.eventBus());
            }
            CompletableFuture<Object> received = new CompletableFuture<>();
            // a consumer only node B has: the message must cross to it
            b.eventBus().<Messages.CopyDisks>consumer("hoist.test.copy", m -> {
                received.complete(m.body());
                m.reply(new Messages.CopyDone("copy-7", "vm-42", List.of(), false, null, null));
            }).completion().toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
            Messages.CopyDisks sent = new Messages.CopyDisks(PLAN, "uid-1", "vm-42", "copy-7", "esx-1", 3, 10);
            Vertx sender = a;
            // the registration reaches A's view of the cluster asynchronously: retry until it is there
            Object reply = null;
            long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (reply == null && System.nanoTime() < end) {
                try {
                    reply = sender.eventBus().request("hoist.test.copy", sent).toCompletionStage().toCompletableFuture()
                            .get(30, TimeUnit.SECONDS).body();
                } catch (java.util.concurrent.ExecutionException noHandlerYet) {
                    Thread.sleep(200);
                }
            }
            assertThat(received.get(2, TimeUnit.MINUTES)).isEqualTo(sent);
            assertThat(reply).isEqualTo(new Messages.CopyDone("copy-7", "vm-42", List.of(), false, null, null));
        } finally {
            for (Vertx v : new Vertx[] {a, b}) {
                if (v != null) {
                    v.close().toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
                }
            }
        }
    }

    static Vertx clustered(ClusterSettings settings) throws Exception {
        return Vertx.builder().with(ClusteredVertx.eventBus(new VertxOptions(), settings))
                .withClusterManager(ClusteredVertx.clusterManager(settings))
                .buildClustered().toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
