package io.hoist.plugin.hooks.local;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A hook's processes: started by {@code setsid}, so ansible-playbook and every worker it forks share one
 * process group whose id is the wrapper's pid, and die together with {@code kill(-pgid, SIGKILL)} (libc through
 * FFM). Processes that left the group (ssh's ControlPersist master daemonizes) are found by their command line,
 * which names the hook's private folder.
 */
final class ProcessGroup {
    private static final int SIGKILL = 9;
    private static final MethodHandle KILL = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("kill").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    private ProcessGroup() {}

    /** The process {@code pid} if it is alive and its command line mentions {@code marker} (no pid reuse). */
    static Optional<ProcessHandle> find(long pid, String marker) {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false));
    }

    /** Kills the group {@code pgid}, then every process whose command line mentions one of {@code markers}. */
    static void killAll(long pgid, List<String> markers) {
        if (pgid > 1) {
            try {
                int ignored = (int) KILL.invokeExact((int) -pgid, SIGKILL);
            } catch (Throwable e) {
                throw new IllegalStateException("kill(-" + pgid + ") failed: " + e, e);
            }
        }
        sweep(markers, Duration.ofSeconds(5));
    }

    /** Kills what is left that mentions a marker, until none is (or the time is up). */
    static void sweep(List<String> markers, Duration within) {
        long end = System.nanoTime() + within.toNanos();
        while (true) {
            List<ProcessHandle> left = ProcessHandle.allProcesses()
                    .filter(p -> p.pid() != ProcessHandle.current().pid())
                    .filter(p -> p.info().commandLine().map(c -> markers.stream().anyMatch(c::contains)).orElse(false))
                    .toList();
            if (left.isEmpty() || System.nanoTime() > end) {
                return;
            }
            left.forEach(ProcessHandle::destroyForcibly);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
