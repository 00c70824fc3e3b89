package io.hoist.core.engine.testdoubles;

import io.hoist.api.Condition;
import io.hoist.api.HoistException;
import io.hoist.api.inventory.InventoryPublisher;
import io.hoist.api.phase.MigrationPhases;
import io.hoist.api.phase.PhaseContext;
import io.hoist.api.phase.PhaseResult;
import io.hoist.api.phase.PhaseSpec;
import io.hoist.api.source.PowerState;
import io.hoist.api.source.SnapshotRef;
import io.hoist.api.source.SourceDisk;
import io.hoist.api.source.SourceProvider;
import io.hoist.api.source.SourceVm;
import io.hoist.api.source.VmRef;
import io.hoist.api.transfer.DiskReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link SyntheticSourceTestDouble} with a script: its power-state call fails a set number of times with a chosen
 * failure type (typed-retry tests), and it can contribute and take over phases through {@link MigrationPhases}
 * (provider-phase tests). Every call it receives is counted or logged for the test to check.
 */
public final class ScriptedSourceTestDouble implements SourceProvider, MigrationPhases {
    private final SyntheticSourceTestDouble inner;
    private final AtomicInteger powerStateFailuresLeft = new AtomicInteger();
    private volatile HoistException.Type failureType = HoistException.Type.UNAVAILABLE;
    public final AtomicInteger powerStateCalls = new AtomicInteger();
    public final AtomicInteger describeCalls = new AtomicInteger();
    /** Contributed phases; each is done on its second call (the first asks to be called again). */
    public final List<PhaseSpec> contributed = new ArrayList<>();
    public final Set<String> takenOver = ConcurrentHashMap.newKeySet();
    /** "vmId:phase" per executePhase call, in order. */
    public final List<String> phaseCalls = new CopyOnWriteArrayList<>();
    /** The state each call saw, as "vmId:phase:state". */
    public final List<String> statesSeen = new CopyOnWriteArrayList<>();

    public ScriptedSourceTestDouble(SyntheticSourceTestDouble inner) {
        this.inner = inner;
    }

    /** The next {@code times} power-state calls fail with {@code type}. */
    public ScriptedSourceTestDouble failPowerState(int times, HoistException.Type type) {
        this.failureType = type;
        powerStateFailuresLeft.set(times);
        return this;
    }

    public SyntheticSourceTestDouble inner() {
        return inner;
    }

    @Override
    public List<PhaseSpec> contributedPhases(boolean warm) {
        return List.copyOf(contributed);
    }

    @Override
    public Set<String> takenOverPhases(boolean warm) {
        return Set.copyOf(takenOver);
    }

    @Override
    public PhaseResult executePhase(String phase, PhaseContext context) throws Exception {
        String vm = context.sourceVm().id();
        phaseCalls.add(vm + ":" + phase);
        Map<String, String> state = context.state();
        statesSeen.add(vm + ":" + phase + ":" + state);
        if (takenOver.contains(phase)) {
            return PhaseResult.done(); // the provider did it its own way: the engine's handler must not run
        }
        if (!state.containsKey("started")) {
            context.putState("started", "image-" + vm);
            context.progress(1, 2);
            return PhaseResult.again(Duration.ofMillis(100), "waiting for image-" + vm);
        }
        context.progress(2, 2);
        return PhaseResult.done();
    }

    @Override
    public List<Condition> testConnection() {
        return inner.testConnection();
    }

    @Override
    public void collectInventory(InventoryPublisher publisher) {
        inner.collectInventory(publisher);
    }

    @Override
    public Optional<SourceVm> describe(VmRef vm) {
        describeCalls.incrementAndGet();
        return inner.describe(vm);
    }

    @Override
    public DiskReader openDisk(SourceVm vm, SourceDisk disk, SnapshotRef snapshot) {
        return inner.openDisk(vm, disk, snapshot);
    }

    @Override
    public PowerState powerState(SourceVm vm) {
        powerStateCalls.incrementAndGet();
        if (powerStateFailuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new HoistException(failureType, "Scripted" + failureType, "scripted " + failureType + " failure of the source");
        }
        return inner.powerState(vm);
    }

    @Override
    public void powerOff(SourceVm vm) {
        inner.powerOff(vm);
    }

    @Override
    public void powerOn(SourceVm vm) {
        inner.powerOn(vm);
    }
}
