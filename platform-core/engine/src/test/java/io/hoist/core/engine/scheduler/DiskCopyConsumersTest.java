package io.hoist.core.engine.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.core.engine.EngineHarness;
import io.hoist.core.engine.Threads;
import io.hoist.core.engine.bus.Addresses;
import io.hoist.core.engine.bus.Messages;
import io.hoist.core.engine.bus.RecordCodec;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Disk copies travel as bus messages to a paused consumer per source host that takes a round only while the host has
 * a free transfer slot: the per-host limit holds across plans, the rest stays on the bus, and a cancel message stops
 * a running copy. A real Vert.x event bus; the disk work is a gate the test opens.
 */
class DiskCopyConsumersTest {
    private static final Duration PATIENCE = Duration.ofMinutes(2);

    private Vertx vertx;
    private ExecutorService copies;
    private TransferScheduler scheduler;
    private CopyJobs jobs;
    private DiskCopyConsumers consumers;
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger maxRunning = new AtomicInteger();
    /** Gates of the running disks by copy id: completing one ends that disk's copy. */
    private final Map<String, CompletableFuture<Void>> gates = new ConcurrentHashMap<>();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        RecordCodec.registerAll(vertx.eventBus());
        copies = Threads.virtualPerTask("test-copy");
        scheduler = new TransferScheduler(() -> 2);
        jobs = new CopyJobs();
        consumers = new DiskCopyConsumers(vertx, scheduler, jobs, copies);
        vertx.eventBus().<Messages.CopyDone>consumer(Addresses.DISK_COPY_DONE, m -> jobs.finish(m.body()));
    }

    @AfterEach
    void stop() {
        gates.values().forEach(g -> g.complete(null));
        consumers.close();
        copies.shutdownNow();
        vertx.close().await();
    }

    /** Sends one round of one disk whose copy runs until its gate opens (or the round is canceled). */
    private CopyJobs.Job send(String plan, String vm, String host, int planCap) {
        Messages.CopyDisks round = new Messages.CopyDisks(new Messages.PlanKey("ns", plan), "mig-" + plan, vm,
                plan + "/" + vm, host, 1, planCap);
        CompletableFuture<Void> gate = new CompletableFuture<>();
        gates.put(round.copyId(), gate);
        CopyJobs.Job job = jobs.add(round, "mig", "DiskTransfer", List.of((canceled, progress) -> {
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                awaitGateOrCancel(gate, canceled);
                return new Messages.DiskCopied("disk-0", 1, 1, "none", null, null);
            } finally {
                running.decrementAndGet();
            }
        }));
        consumers.ensure(host);
        vertx.eventBus().send(Addresses.diskCopy(host), round);
        return job;
    }

    private static void awaitGateOrCancel(CompletableFuture<Void> gate, BooleanSupplier canceled) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!canceled.getAsBoolean()) {
            try {
                gate.get(20, TimeUnit.MILLISECONDS);
                return;
            } catch (java.util.concurrent.TimeoutException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("neither opened nor canceled");
                }
            }
        }
        throw new java.util.concurrent.CancellationException("canceled");
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        EngineHarness.await(PATIENCE, condition, what);
    }

    @Test
    void perHostLimitHoldsAcrossTwoPlansAndTheConsumerTakesOnlyWhatItHasCreditFor() throws Exception {
        List<CopyJobs.Job> esx1 = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            esx1.add(send("planA", "a" + i, "esx1", 0));
            esx1.add(send("planB", "b" + i, "esx1", 0));
        }
        await(() -> running.get() == 2, "two copies on esx1");
        // Credit: two slots, two rounds taken; the other four are still messages on the bus, not queued in the engine.
        Thread.sleep(300);
        assertThat(consumers.taken("esx1")).isEqualTo(2);
        assertThat(scheduler.waiting()).isZero();
        assertThat(esx1.stream().filter(j -> j.started().isDone())).hasSize(2);
        assertThat(esx1.get(0).started()).isDone(); // planA's first
        assertThat(esx1.get(1).started()).isDone(); // planB's first

        // Another host is not held back by esx1's full slots.
        CopyJobs.Job other = send("planA", "x", "esx2", 0);
        await(() -> other.started().isDone(), "esx2's copy started");
        gates.get(other.message().copyId()).complete(null);
        assertThat(other.done().get(2, TimeUnit.MINUTES).canceled()).isFalse();

        // Each finished copy frees one slot, and the consumer takes exactly one more round.
        for (int finished = 0; finished < 6; finished++) {
            // A round taken is not yet a copy started (the start is asynchronous): wait for one.
            await(() -> esx1.stream().anyMatch(j -> j.started().isDone() && !j.done().isDone()), "a running copy on esx1");
            CopyJobs.Job runningJob = esx1.stream().filter(j -> j.started().isDone() && !j.done().isDone()).findFirst().orElseThrow();
            gates.get(runningJob.message().copyId()).complete(null);
            Messages.CopyDone done = runningJob.done().get(2, TimeUnit.MINUTES);
            assertThat(done.canceled()).isFalse();
            assertThat(done.disks()).extracting(Messages.DiskCopied::diskId).containsExactly("disk-0");
            int expectedTaken = Math.min(6, finished + 3);
            await(() -> consumers.taken("esx1") == expectedTaken, expectedTaken + " rounds taken");
        }
        assertThat(maxRunning.get()).as("copies at once on esx1 (limit 2) plus esx2's one").isLessThanOrEqualTo(3);
        await(() -> scheduler.inUse("esx1") == 0, "every esx1 slot given back");
        assertThat(esx1).allMatch(j -> j.done().isDone());
    }

    @Test
    void aPlanCapHoldsOnlyItsPlanNotTheHostsConsumer() throws Exception {
        CopyJobs.Job capped1 = send("capped", "c0", "esx1", 1);
        await(() -> capped1.started().isDone(), "capped plan's first copy");
        CopyJobs.Job capped2 = send("capped", "c1", "esx1", 1);
        CopyJobs.Job free = send("free", "f0", "esx1", 0);
        await(() -> free.started().isDone(), "the other plan's copy, past the capped one");
        assertThat(capped2.started()).isNotDone();
        gates.get(capped1.message().copyId()).complete(null);
        await(() -> capped2.started().isDone(), "the capped plan's second copy once its first ended");
    }

    @Test
    void aCancelMessageStopsARunningCopyAndOneStillOnTheBus() throws Exception {
        CopyJobs.Job first = send("p", "vm-1", "esx1", 0);
        CopyJobs.Job second = send("p", "vm-2", "esx1", 0);
        CopyJobs.Job queued = send("p", "vm-3", "esx1", 0);
        await(() -> first.started().isDone() && second.started().isDone(), "two copies running");
        assertThat(queued.started()).isNotDone();

        vertx.eventBus().publish(Addresses.VM_CANCEL, new Messages.CancelVms(new Messages.PlanKey("ns", "p"), "mig-p",
                List.of("vm-1", "vm-3")));

        Messages.CopyDone stopped = first.done().get(2, TimeUnit.MINUTES);
        assertThat(stopped.canceled()).isTrue();
        assertThat(queued.done().get(2, TimeUnit.MINUTES).canceled()).as("taken off the bus canceled, never copied").isTrue();
        assertThat(second.done()).as("another VM's copy goes on").isNotDone();
        assertThat(running.get()).as("copies still running").isEqualTo(1);
        gates.get(second.message().copyId()).complete(null);
        assertThat(second.done().get(2, TimeUnit.MINUTES).canceled()).isFalse();
        assertThat(maxRunning.get()).isEqualTo(2);
    }

    @Test
    void noEventLoopThreadWaitsForTheSchedulersLock() throws Exception {
        // A decision under way (here: the test holding the scheduler's lock) must not stop the event loops: rounds
        // are still taken off the bus and cancels still delivered, and no event-loop thread is ever seen waiting.
        long blockedSamples = 0;
        synchronized (scheduler) {
            CopyJobs.Job first = send("p", "vm-1", "esx1", 0);
            CopyJobs.Job second = send("p", "vm-2", "esx2", 0);
            vertx.eventBus().publish(Addresses.VM_CANCEL, new Messages.CancelVms(new Messages.PlanKey("ns", "p"), "mig-p",
                    List.of("vm-2")));
            long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            var threads = java.lang.management.ManagementFactory.getThreadMXBean();
            while (System.nanoTime() < deadline) {
                for (var info : threads.dumpAllThreads(false, false)) {
                    if (info.getThreadName().startsWith("vert.x-eventloop-thread") && info.getLockInfo() != null
                            && info.getLockInfo().getIdentityHashCode() == System.identityHashCode(scheduler)) {
                        blockedSamples++;
                    }
                }
                Thread.sleep(20);
            }
            assertThat(consumers.taken("esx1")).as("esx1's round taken off the bus while the lock was held").isEqualTo(1);
            assertThat(consumers.taken("esx2")).as("esx2's round taken off the bus while the lock was held").isEqualTo(1);
            assertThat(first.started()).as("no slot granted while the scheduler is busy").isNotDone();
            assertThat(second.canceled()).as("the cancel was delivered").isTrue();
        }
        assertThat(blockedSamples).as("samples of an event-loop thread waiting for the scheduler's lock").isZero();
        await(() -> running.get() == 1, "esx1's copy starts once the scheduler is free");
    }
}
