package io.hoist.core.engine.scheduler;

import io.hoist.api.transfer.TransferProgress;
import io.hoist.core.engine.bus.Messages;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The copy rounds this node asked for, by copy id: what a disk-copy consumer runs when it takes a
 * {@link Messages.CopyDisks}. The bus carries only the id and plain values; the readers and writers a disk copy
 * needs are opened here, on the node that runs the VM (its source and destination plugin instances live here).
 */
public final class CopyJobs {
    /** One disk of a round: opens its reader and writer, copies, and records its result on the VM's status. */
    @FunctionalInterface
    public interface DiskTask {
        Messages.DiskCopied copy(BooleanSupplier canceled, Consumer<TransferProgress> progress) throws Exception;
    }

    /** A copy round: the message that names it and the local work behind it. */
    public static final class Job {
        private final Messages.CopyDisks message;
        private final String migrationName;
        private final String step;
        private final List<DiskTask> disks;
        private final CompletableFuture<Void> started = new CompletableFuture<>();
        private final CompletableFuture<Messages.CopyDone> done = new CompletableFuture<>();
        private volatile boolean canceled;
        /** The first disk's failure as thrown, so a local run keeps its type and cause (the message has the text). */
        private volatile Throwable failure;

        Job(Messages.CopyDisks message, String migrationName, String step, List<DiskTask> disks) {
            this.message = message;
            this.migrationName = migrationName;
            this.step = step;
            this.disks = List.copyOf(disks);
        }

        public Messages.CopyDisks message() { return message; }

        public String migrationName() { return migrationName; }

        public String step() { return step; }

        public List<DiskTask> disks() { return disks; }

        /** Completes when a consumer got transfer slots for the round and its copies start. */
        public CompletableFuture<Void> started() { return started; }

        /** Completes with the round's {@link Messages.CopyDone}. */
        public CompletableFuture<Messages.CopyDone> done() { return done; }

        public boolean canceled() { return canceled; }

        public Throwable failure() { return failure; }

        void failed(Throwable t) {
            if (failure == null) {
                failure = t;
            }
        }

        void cancel() {
            canceled = true;
        }
    }

    private final Map<String, Job> jobs = new ConcurrentHashMap<>();

    /** Records a round before its message is sent. */
    public Job add(Messages.CopyDisks message, String migrationName, String step, List<DiskTask> disks) {
        Job job = new Job(message, migrationName, step, disks);
        jobs.put(message.copyId(), job);
        return job;
    }

    public Job get(String copyId) {
        return jobs.get(copyId);
    }

    /** A {@link Messages.CopyDone} arrived: the round is over, its waiter learns how. */
    public void finish(Messages.CopyDone done) {
        Job job = jobs.remove(done.copyId());
        if (job != null) {
            job.started.complete(null);
            job.done.complete(done);
        }
    }

    /** Flags every round of these VMs canceled: a running copy stops at its next check, a waiting one never starts. */
    public void cancel(Messages.CancelVms cancel) {
        for (Job job : jobs.values()) {
            Messages.CopyDisks m = job.message;
            if (m.migrationUid().equals(cancel.migrationUid()) && cancel.vmIds().contains(m.vmId())) {
                job.cancel();
            }
        }
    }

    public int size() {
        return jobs.size();
    }
}
