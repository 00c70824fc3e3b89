package io.hoist.core.engine.scheduler;

import io.hoist.api.HoistException;
import io.hoist.api.transfer.TransferProgress;
import io.hoist.core.engine.bus.Addresses;
import io.hoist.core.engine.bus.Messages;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.MessageConsumerOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The consumers of disk copies: one per source host, on {@link Addresses#diskCopy(String)}, paused, fetching one
 * {@link Messages.CopyDisks} at a time and only while the host has credit ({@link TransferScheduler#hasRoom}: a free
 * slot and no earlier round waiting for one). Messages beyond that stay queued on the bus. A taken round asks the
 * scheduler for its slots (the plan's cap may still hold it there without blocking other plans), runs each disk on
 * its own virtual thread, gives each slot back as its disk ends, publishes every progress report and answers with
 * one {@link Messages.CopyDone}. A {@link Messages.CancelVms} stops the rounds of those VMs, waiting or running.
 */
public final class DiskCopyConsumers implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DiskCopyConsumers.class.getName());

    private final Vertx vertx;
    private final TransferScheduler scheduler;
    private final CopyJobs jobs;
    private final ExecutorService copies;
    private final Map<String, HostConsumer> hosts = new ConcurrentHashMap<>();
    /** Rounds taken from the bus that wait for their slots, by copy id (a cancel leaves the scheduler's queue). */
    private final Map<String, CompletableFuture<TransferScheduler.Lease>> waiting = new ConcurrentHashMap<>();
    private final MessageConsumer<Messages.CancelVms> cancels;
    private volatile boolean closed;

    public DiskCopyConsumers(Vertx vertx, TransferScheduler scheduler, CopyJobs jobs, ExecutorService copies) {
        this.vertx = vertx;
        this.scheduler = scheduler;
        this.jobs = jobs;
        this.copies = copies;
        // Off the event loop: a cancel leaves the scheduler's queue under its lock.
        this.cancels = vertx.eventBus().consumer(Addresses.VM_CANCEL, m -> offEventLoop(() -> cancel(m.body())));
        scheduler.onChange(() -> hosts.values().forEach(HostConsumer::refill));
    }

    /** Makes sure this node consumes copies of {@code hostKey} (before the first message for it is sent). */
    public void ensure(String hostKey) {
        if (!closed) {
            hosts.computeIfAbsent(hostKey, HostConsumer::new);
        }
    }

    /** Rounds taken from the bus for {@code hostKey} so far (the rest wait on the bus). */
    public long taken(String hostKey) {
        HostConsumer c = hosts.get(hostKey);
        return c == null ? 0 : c.taken.get();
    }

    private final class HostConsumer {
        private final String host;
        private final MessageConsumer<Messages.CopyDisks> consumer;
        private final AtomicLong taken = new AtomicLong();
        /** A fetch(1) is outstanding: the next message is on its way; no second credit until it arrived. */
        private boolean fetching;
        /** A taken round has not yet asked the scheduler for its slots: the host's credit is not known yet. */
        private boolean starting;

        HostConsumer(String host) {
            this.host = host;
            // Unbounded buffer: a paused consumer must keep every waiting round (a 20,000-VM plan), never drop one.
            // Local only: a round's readers and writers are open on the node that runs its VM.
            this.consumer = vertx.eventBus().consumer(new MessageConsumerOptions().setLocalOnly(true)
                    .setAddress(Addresses.diskCopy(host)).setMaxBufferedMessages(Integer.MAX_VALUE));
            consumer.pause();
            consumer.handler(this::take);
            refill();
        }

        /** Fetches one more message when the host has credit and none is on its way. */
        void refill() {
            synchronized (this) {
                if (closed || fetching || starting || !scheduler.hasRoom(host)) {
                    return;
                }
                fetching = true;
            }
            consumer.fetch(1);
        }

        private void take(Message<Messages.CopyDisks> m) {
            synchronized (this) {
                fetching = false;
                starting = true;
            }
            taken.incrementAndGet();
            // The round asks for its slots on a virtual thread: the scheduler's lock is never waited for on an event
            // loop (Vert.x saw its loop blocked for seconds behind it at 20,000 VMs). The next message is fetched once
            // this one holds or waits for its slots, so credit is read after the round counted.
            Messages.CopyDisks round = m.body();
            offEventLoop(() -> {
                try {
                    start(round);
                } finally {
                    synchronized (this) {
                        starting = false;
                    }
                    refill();
                }
            });
        }

        void close() {
            // Rounds still waiting on the bus at shutdown are not lost work: every unfinished VM resumes from the
            // store at the next start and sends its round again. Vert.x would log each as a discarded message.
            if (consumer instanceof io.vertx.core.eventbus.impl.MessageConsumerImpl<?> impl) {
                impl.discardHandler(m -> { });
            }
            consumer.unregister();
        }
    }

    private void offEventLoop(Runnable task) {
        try {
            copies.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // the engine stops: an unfinished VM sends its round again at the next start
        }
    }

    private void start(Messages.CopyDisks msg) {
        CopyJobs.Job job = jobs.get(msg.copyId());
        if (job == null || job.canceled() || closed) {
            // Its run ended (or was canceled) while the message waited on the bus: nothing to copy.
            done(new Messages.CopyDone(msg.copyId(), msg.vmId(), List.of(), true, null, null));
            return;
        }
        CompletableFuture<TransferScheduler.Lease> lease = scheduler.acquire(msg.hostKey(), msg.plan().toString(),
                msg.disks(), msg.planCap());
        waiting.put(msg.copyId(), lease);
        if (job.canceled()) {
            lease.cancel(false); // a cancel raced the put
        }
        lease.whenComplete((granted, err) -> {
            waiting.remove(msg.copyId());
            if (err != null) {
                done(new Messages.CopyDone(msg.copyId(), msg.vmId(), List.of(), true, null, null));
                return;
            }
            try {
                copies.execute(() -> run(job, granted));
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                granted.close();
            }
        });
    }

    /** Runs every disk of a round on its own virtual thread; answers once all ended. */
    private void run(CopyJobs.Job job, TransferScheduler.Lease lease) {
        Messages.CopyDisks msg = job.message();
        job.started().complete(null);
        List<CompletableFuture<Messages.DiskCopied>> disks = new ArrayList<>();
        for (CopyJobs.DiskTask task : job.disks()) {
            disks.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return task.copy(job::canceled, p -> progress(job, p));
                } catch (Exception e) {
                    job.failed(e);
                    throw new CompletionException(e);
                } finally {
                    lease.release(1);
                }
            }, copies));
        }
        CompletableFuture.allOf(disks.toArray(CompletableFuture[]::new)).whenComplete((v, err) -> {
            lease.close();
            if (err == null && !job.canceled()) {
                done(new Messages.CopyDone(msg.copyId(), msg.vmId(), disks.stream().map(CompletableFuture::join).toList(),
                        false, null, null));
                return;
            }
            Throwable cause = job.failure();
            if (job.canceled() || cause == null || cause instanceof CancellationException) {
                done(new Messages.CopyDone(msg.copyId(), msg.vmId(), List.of(), true, null, null));
                return;
            }
            String type = cause instanceof HoistException h ? h.type().name() : null;
            done(new Messages.CopyDone(msg.copyId(), msg.vmId(), List.of(), false, type,
                    cause.getMessage() == null ? cause.toString() : cause.getMessage()));
        });
    }

    private void progress(CopyJobs.Job job, TransferProgress p) {
        Messages.CopyDisks m = job.message();
        vertx.eventBus().publish(Addresses.DISK_PROGRESS, new Messages.DiskProgress(m.plan(), m.migrationUid(),
                job.migrationName(), m.vmId(), job.step(), m.hostKey(), p));
    }

    private void done(Messages.CopyDone done) {
        vertx.eventBus().send(Addresses.DISK_COPY_DONE, done);
    }

    private void cancel(Messages.CancelVms cancel) {
        jobs.cancel(cancel);
        waiting.forEach((copyId, lease) -> {
            CopyJobs.Job job = jobs.get(copyId);
            if (job != null && job.canceled()) {
                lease.cancel(false); // leaves the scheduler's queue; its CopyDone says canceled
            }
        });
    }

    @Override
    public void close() {
        closed = true;
        cancels.unregister();
        hosts.values().forEach(HostConsumer::close);
        waiting.values().forEach(f -> f.cancel(false));
        LOG.log(System.Logger.Level.DEBUG, "disk-copy consumers stopped");
    }
}
