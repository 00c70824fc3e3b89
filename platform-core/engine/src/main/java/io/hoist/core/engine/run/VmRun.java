package io.hoist.core.engine.run;

import io.hoist.api.HoistException;
import io.hoist.api.destination.Destination;
import io.hoist.core.engine.bus.Messages;
import io.hoist.core.engine.itinerary.Phase;
import io.hoist.core.engine.itinerary.PhaseRef;
import io.hoist.core.engine.run.phase.Cleanup;
import io.hoist.core.engine.run.phase.Delays;
import io.hoist.core.model.meta.Condition;
import io.hoist.core.model.resource.VmStatus;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * One VM's walk along its itinerary; the walker only. The current phase is durable on the plan status and every
 * handler is idempotent, so after a crash the VM re-enters its last phase and continues (copies from their
 * checkpoints, VM creation by adoption). Each phase's work is a {@link PhaseHandler}; the walker records the
 * transitions, waits without holding a thread, retries UNAVAILABLE failures with backoff and ends the VM as
 * Succeeded, Failed or Canceled.
 */
public final class VmRun {
    private static final System.Logger LOG = System.getLogger(VmRun.class.getName());

    /** What every run shares; built once by the engine. */
    public record Services(VmLoader loader, PhaseHandlers handlers, Cleanup cleanup, Delays delays,
                           java.util.function.Supplier<RetryPolicy> retry,
                           Executor executor, java.util.function.BooleanSupplier stopping, RunMeters meters,
                           RunAdmission admission, Consumer<Messages.RunVm> stillPlaced) {}

    private final Services services;
    private final Messages.RunVm msg;
    private final Consumer<VmRun> onFinished;
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    private final Object walking = new Object();
    private volatile boolean canceled;
    private volatile VmContext vm;
    // Retries of the current phase (in memory: a restart gives a phase its full number of tries again).
    private PhaseRef retrying;
    private int attempts;
    private Instant firstFailure;
    // The VM's place (MTV's scheduler): asked for before its first phase, given back when its first copy ended.
    private CompletableFuture<io.hoist.core.engine.scheduler.VmAdmission.Ticket> admitting;
    private io.hoist.core.engine.scheduler.VmAdmission.Ticket place;

    public VmRun(Services services, Messages.RunVm msg, Consumer<VmRun> onFinished) {
        this.services = services;
        this.msg = msg;
        this.onFinished = onFinished;
    }

    public Messages.RunVm message() {
        return msg;
    }

    /** The run's state once loaded (its first phase began); null before. */
    public VmContext contextIfLoaded() {
        return vm;
    }

    public CompletableFuture<Void> finished() {
        return finished;
    }

    /** Starts or resumes the VM at its durable phase. */
    public void start() {
        resume();
    }

    /** The Migration changed (cutover set or moved): a run waiting between precopy rounds looks again at once. */
    public void poke() {
        VmContext v = vm;
        if (v != null) {
            v.poke();
        }
    }

    private void resume() {
        try {
            services.executor().execute(this::advance);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // the engine stopped: the VM resumes at its durable phase on the next start
        }
    }

    /** Asks the run to stop at the next safe point and clean up as canceled. */
    public void cancel() {
        canceled = true;
        VmContext v = vm;
        if (v != null) {
            v.cancel();
        }
        var waitingForPlace = admitting;
        if (waitingForPlace != null) {
            waitingForPlace.cancel(false); // leaves the queue; the walker ends the VM as canceled
        }
        resume();
    }

    private void advance() {
        // Every log line of this run names its plan, migration, VM and step (SLF4J MDC; the run's threads are virtual
        // and per task, so nothing lingers on another run's lines).
        org.slf4j.MDC.put("plan", msg.plan().namespace() + "/" + msg.plan().name());
        org.slf4j.MDC.put("migration", msg.migrationName());
        org.slf4j.MDC.put("vm", msg.vmId());
        synchronized (walking) {
            if (finished.isDone() || services.stopping().getAsBoolean()) {
                return;
            }
            try {
                if (vm == null) {
                    if (!placedBeforeLoad()) {
                        return; // resumes when the VM's place comes; its entry already says it waits
                    }
                    vm = services.loader().load(msg);
                    if (canceled) {
                        vm.cancel();
                    }
                    if (place != null && !RunAdmission.needsPlace(vm, vm.phase())) {
                        releasePlace(); // resumed past its first copy: it needs no place
                    }
                }
                while (true) {
                    if (canceled) {
                        finishCanceled();
                        return;
                    }
                    PhaseRef phase = vm.phase();
                    org.slf4j.MDC.put("step", String.valueOf(phase));
                    if (phase.is(Phase.Completed)) {
                        finishSucceeded();
                        return;
                    }
                    if (!placed(phase)) {
                        return; // resumes when the VM's place comes
                    }
                    Outcome outcome;
                    try {
                        outcome = services.handlers().run(vm);
                    } catch (Exception e) {
                        if (superseded(e) != null) {
                            stopSuperseded(superseded(e));
                            return;
                        }
                        if (services.stopping().getAsBoolean()) {
                            // the phase failed because the engine is stopping under it (store closing, pools
                            // shutting down): not the VM's failure; it resumes at this phase on the next start
                            LOG.log(System.Logger.Level.DEBUG, "VM " + msg.vmId() + " stopped with the engine in " + phase + ": " + e);
                            return;
                        }
                        outcome = retryOrFail(phase, e);
                    }
                    switch (outcome) {
                        case Outcome.Next n -> {
                            PhaseRef next = vm.itinerary().next(phase);
                            transition(phase, next, !services.handlers().rerunnable(vm, phase));
                            vm.phase(next);
                            retrying = null;
                            if (place != null && !RunAdmission.needsPlace(vm, next)) {
                                releasePlace(); // the first copy is done: the next VM of this host may start
                            }
                        }
                        case Outcome.Wait w -> {
                            if (w.reason() != null) {
                                vm.status().pending(w.reason());
                            }
                            w.until().whenComplete((v, e) -> resume());
                            return;
                        }
                        case Outcome.Fail f -> {
                            finishFailed(f.reason(), f.code());
                            return;
                        }
                    }
                }
            } catch (Throwable t) {
                if (superseded(t) != null) {
                    stopSuperseded(superseded(t));
                    return;
                }
                if (services.stopping().getAsBoolean()) {
                    // The engine is shutting down (store closing, pools stopping): the VM is not failed; it resumes
                    // at its durable phase when the engine starts again.
                    LOG.log(System.Logger.Level.DEBUG, "VM " + msg.vmId() + " stopped with the engine: " + t);
                    return;
                }
                if (storeUnreachable(unwrap(t))) {
                    // a status write between phases lost the shared store: the VM is not failed for it; the walk
                    // goes on from the durable phase once the store answers again
                    LOG.log(System.Logger.Level.INFO, "VM " + msg.vmId() + " waits for the store: " + t.getMessage());
                    services.delays().after(services.retry().get().delay(1)).whenComplete((v, e) -> resume());
                    return;
                }
                try {
                    if (canceled && vm != null) {
                        finishCanceled();
                    } else {
                        finishFailed(VmContext.describe(t), code(t));
                    }
                } catch (io.hoist.core.store.StoreException.Superseded s) {
                    stopSuperseded(s);
                }
            }
        }
    }

    /**
     * A VM not loaded yet asks for its place first when plan validation described it (its host and disks known), so
     * thousands of waiting VMs load nothing. False while it waits.
     */
    private boolean placedBeforeLoad() {
        if (place == null && admitting == null && !canceled) {
            admitting = services.admission().admitBeforeLoad(msg).orElse(null);
        }
        if (admitting == null) {
            return true;
        }
        if (!admitting.isDone()) {
            admitting.whenComplete((t, e) -> resume());
            return false;
        }
        if (!admitting.isCancelled() && !admitting.isCompletedExceptionally()) {
            place = admitting.join();
        }
        admitting = null;
        return true;
    }

    /**
     * Whether the VM holds its place for {@code phase} (or needs none), asking for it the first time. False when it
     * waits: the walker returns and resumes when the place comes. The Pending condition is written only when the
     * VM really waits, and not again when it already says so (a plan of thousands writes nothing for its queue).
     */
    private boolean placed(PhaseRef phase) {
        if (place != null || !RunAdmission.needsPlace(vm, phase)) {
            return true;
        }
        if (admitting == null) {
            admitting = services.admission().admit(vm);
        }
        if (admitting.isDone()) {
            if (admitting.isCancelled() || admitting.isCompletedExceptionally()) {
                admitting = null;
                return canceled; // canceled while waiting: the loop ends the VM as canceled
            }
            place = admitting.join();
            admitting = null;
            if (canceled || finished.isDone()) {
                releasePlace();
            }
            return true;
        }
        String reason = services.admission().waitingReason();
        var conditions = vm.entry().conditions; // one read: each parses the entry
        boolean shown = conditions != null && conditions.stream()
                .anyMatch(c -> "Pending".equals(c.type) && reason.equals(c.message));
        if (!shown) {
            vm.status().pending(reason);
        }
        admitting.whenComplete((t, e) -> resume());
        return false;
    }

    private void releasePlace() {
        var held = place;
        place = null;
        if (held != null) {
            held.close();
        }
        var asked = admitting;
        admitting = null;
        if (asked != null) {
            asked.cancel(false);
        }
    }

    /** UNAVAILABLE (or a refused or timed-out connection) is tried again with backoff; anything else fails the VM. */
    private Outcome retryOrFail(PhaseRef phase, Exception e) {
        Throwable cause = unwrap(e);
        String reason = VmContext.describe(cause);
        if (canceled || !transient_(cause)) {
            return Outcome.fail(reason, code(cause));
        }
        if (!phase.equals(retrying)) {
            retrying = phase;
            attempts = 0;
            firstFailure = Instant.now();
        }
        attempts++;
        RetryPolicy policy = services.retry().get();
        boolean pastDeadline = Instant.now().isAfter(firstFailure.plus(policy.deadline()));
        if (attempts >= policy.attempts() || pastDeadline) {
            return Outcome.fail("gave up after " + attempts + " attempts: " + reason, code(cause));
        }
        LOG.log(System.Logger.Level.INFO, "VM " + msg.vmId() + " of plan " + msg.plan() + ": " + phase + " failed ("
                + reason + "), attempt " + attempts + " of " + policy.attempts());
        services.meters().retried(phase.name(), code(cause));
        return Outcome.waitFor(services.delays().after(policy.delay(attempts)),
                "Retrying: " + reason + " (attempt " + (attempts + 1) + " of " + policy.attempts() + ")");
    }

    private static boolean transient_(Throwable t) {
        return (t instanceof HoistException h && h.type() == HoistException.Type.UNAVAILABLE)
                || t instanceof ConnectException || t instanceof SocketTimeoutException || storeUnreachable(t);
    }

    /**
     * A shared store (PostgreSQL) that lost or could not open its connection (SQLSTATE class 08, or 57P: restarted,
     * shutting down): it comes back, and the phase is tried again like any unreachable service.
     */
    private static boolean storeUnreachable(Throwable t) {
        if (!(t instanceof io.hoist.core.store.StoreException)) {
            return false;
        }
        for (Throwable c = t.getCause(); c != null; c = c.getCause()) {
            if (c instanceof java.sql.SQLTransientConnectionException || c instanceof java.sql.SQLRecoverableException) {
                return true;
            }
            if (c instanceof java.sql.SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return true;
            }
        }
        return false;
    }

    private static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof java.util.concurrent.CompletionException || c instanceof java.util.concurrent.ExecutionException)
                && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    /** The failure's code, as the VM's error and the retries metric name it (phases that retry on their own use it). */
    public static String failureCode(Throwable t) {
        return code(t);
    }

    /** The failure's code for the VM's error: a plugin's {@code TYPE/Code}, else the exception's simple name. */
    private static String code(Throwable t) {
        Throwable c = unwrap(t);
        if (c instanceof HoistException h) {
            return h.type() + "/" + h.code();
        }
        return c.getClass().getSimpleName();
    }

    // ---- endings ----

    /**
     * Records the move to the next phase: stored before that phase starts ({@code durable}), or, after a phase that can
     * simply run again, with the next status batch (a change queued before a later durable one of this VM is stored
     * with it or before it, so the entry never goes back). A restart resumes at the last stored phase.
     */
    private void transition(PhaseRef from, PhaseRef to, boolean durable) {
        String now = VmStatusEditor.now();
        Consumer<VmStatus> change = v -> {
            v.phase = to.name();
            if (from.step() != null && from.step() != to.step()) {
                VmStatus.Step s = VmStatusEditor.step(v, from.step());
                s.phase = "Completed";
                s.completed = now;
            }
            if (to.step() != null) {
                VmStatus.Step s = VmStatusEditor.step(v, to.step());
                if (!"Running".equals(s.phase)) {
                    s.phase = "Running";
                    s.started = s.started == null ? now : s.started;
                }
            }
            VmStatusEditor.removeCondition(v, "Pending"); // a retry or wait of the previous phase is over
        };
        if (durable) {
            vm.status().durable(change);
        } else {
            vm.status().live(change);
        }
    }

    private void finishSucceeded() {
        String now = VmStatusEditor.now();
        vm.status().durable(v -> {
            v.phase = Phase.Completed.name();
            v.completed = now;
            for (VmStatus.Step s : v.pipeline) {
                if (!"Completed".equals(s.phase)) {
                    s.phase = "Completed";
                    s.completed = s.completed == null ? now : s.completed;
                }
            }
            VmStatusEditor.setCondition(v, Condition.of("Succeeded", Condition.TRUE, Condition.CATEGORY_ADVISORY, "Completed",
                    "The VM migration has SUCCEEDED."));
            VmStatusEditor.removeCondition(v, "Pending");
        });
        finish();
    }

    private void finishFailed(String reason, String code) {
        if (vm == null) { // could not even load (a provider gone, a plugin's phases invalid): nothing ran to clean up
            LOG.log(System.Logger.Level.WARNING, "VM " + msg.vmId() + " of plan " + msg.plan() + " cannot run: " + reason);
            String shown = code == null ? reason : code + ": " + reason;
            try {
                String now = VmStatusEditor.now();
                services.loader().editor(msg).durable(v -> {
                    v.completed = now;
                    v.error = VmStatus.VmError.of(v.phase == null ? Phase.Started.name() : v.phase, List.of(shown));
                    VmStatusEditor.endOpenSteps(v, "Failed", now);
                    VmStatusEditor.setCondition(v, Condition.of("Failed", Condition.TRUE, Condition.CATEGORY_ADVISORY, "Failed",
                            "The VM migration has FAILED: " + reason));
                    VmStatusEditor.removeCondition(v, "Pending");
                });
            } catch (RuntimeException planGone) {
                // the plan or its VM entry no longer exists: there is nothing to record the failure on
            }
            releasePlace();
            finished.complete(null);
            onFinished.accept(this);
            return;
        }
        services.stillPlaced().accept(msg); // a stale node's cleanup would undo what the run's new node did
        PhaseRef failedIn = vm.phase();
        LOG.log(System.Logger.Level.WARNING, "VM " + msg.vmId() + " of plan " + msg.plan() + " failed in " + failedIn + ": " + reason);
        var planVm = vm.planVm();
        boolean deleteVm = io.hoist.core.model.resource.Plan.deleteVmOnFailMigration(vm.plan().spec, planVm);
        String cleanupError = services.cleanup().run(vm, Destination.CleanupReason.FAILED, deleteVm);
        String now = VmStatusEditor.now();
        String shown = code == null ? reason : code + ": " + reason;
        vm.status().durable(v -> {
            v.completed = now;
            v.error = VmStatus.VmError.of(failedIn.name(), cleanupError == null ? List.of(shown) : List.of(shown, cleanupError));
            if (failedIn.step() != null) {
                VmStatus.Step s = VmStatusEditor.step(v, failedIn.step());
                s.phase = "Failed"; // not "Completed": a failed DiskTransfer must not read as done
                s.completed = now;
                s.error = VmStatus.VmError.of(failedIn.name(), List.of(shown));
                if (s.tasks != null) {
                    s.tasks.stream().filter(t -> !"Completed".equals(t.phase)).forEach(t -> t.phase = "Failed");
                }
            }
            VmStatusEditor.endOpenSteps(v, "Failed", now);
            VmStatusEditor.setCondition(v, Condition.of("Failed", Condition.TRUE, Condition.CATEGORY_ADVISORY, "Failed",
                    "The VM migration has FAILED: " + reason));
            VmStatusEditor.removeCondition(v, "Pending");
        });
        finish();
    }

    private void finishCanceled() {
        services.stillPlaced().accept(msg);
        String cleanupError = services.cleanup().run(vm, Destination.CleanupReason.CANCELED, true);
        String now = VmStatusEditor.now();
        vm.status().durable(v -> {
            v.completed = now;
            VmStatusEditor.endOpenSteps(v, "Canceled", now);
            if (cleanupError != null) {
                v.error = VmStatus.VmError.of(v.phase, List.of(cleanupError));
            }
            VmStatusEditor.setCondition(v, Condition.of("Canceled", Condition.TRUE, Condition.CATEGORY_ADVISORY, "UserRequested",
                    "The VM migration was CANCELED."));
            VmStatusEditor.removeCondition(v, "Pending");
        });
        finish();
    }

    /** The refusal of a write for a run placed on another node since, in {@code t} or its causes; null if none. */
    private static io.hoist.core.store.StoreException.Superseded superseded(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof io.hoist.core.store.StoreException.Superseded s) {
                return s;
            }
        }
        return null;
    }

    /**
     * The run was placed on another node since this one was sent it (this node was cut off, or paused, past the wait
     * before its runs move): it stops here without a status write, a cleanup or a failure, and lives on there.
     */
    private void stopSuperseded(io.hoist.core.store.StoreException.Superseded s) {
        LOG.log(System.Logger.Level.WARNING, "VM " + msg.vmId() + " of plan " + msg.plan() + ": run stopped on this node"
                + " (placement epoch " + msg.epoch() + "), it was placed on another node since and goes on there: "
                + s.getMessage());
        if (vm != null) {
            services.cleanup().stopCopies(vm);
        }
        releasePlace();
        if (vm != null) {
            vm.end();
        }
        finished.complete(null);
        onFinished.accept(this);
    }

    private void finish() {
        releasePlace();
        vm.end();
        finished.complete(null);
        onFinished.accept(this);
    }
}
