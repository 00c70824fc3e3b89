package io.hoist.core.engine.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.api.hook.HookLog;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StepLogsTest {
    @TempDir
    Path data;

    @Test
    void keepsTheLastMebibyteAndAtMostTwoOnDisk() throws Exception {
        StepLogs logs = new StepLogs(data);
        HookLog log = logs.open("hoist", "plan", "mig-1", "vm-1", "PreHook");
        String line = "x".repeat(1023) + "\n";
        for (int i = 0; i < 3 * 1024; i++) { // 3 MiB, line by line
            log.append(i == 3 * 1024 - 1 ? "the last line".repeat(1) + "\n" : line);
            assertThat(Files.size(logs.file("hoist", "plan", "mig-1", "vm-1", "PreHook"))).isLessThan(2L * StepLogs.KEEP);
        }
        String kept = logs.read("hoist", "plan", "mig-1", "vm-1", "PreHook").orElseThrow();
        assertThat(kept.length()).isEqualTo(StepLogs.KEEP);
        assertThat(kept).endsWith("the last line\n");
        assertThat(logs.lastLines("hoist", "plan", "mig-1", "vm-1", "PreHook", 1, 100)).isEqualTo("the last line");
        assertThat(logs.read("hoist", "plan", "mig-1", "vm-1", "PostHook")).isEmpty();
        log.clear();
        assertThat(logs.read("hoist", "plan", "mig-1", "vm-1", "PreHook")).isEmpty();
    }

    @Test
    void namesFromUsersCannotLeaveTheLogsFolder() {
        StepLogs logs = new StepLogs(data);
        Path f = logs.file("hoist", "plan", "mig-1", "../../../../etc/passwd", "PreHook");
        assertThat(f.normalize()).startsWithRaw(data.resolve("logs"));
        assertThat(f.toString()).doesNotContain("..");
        assertThat(logs.file("hoist", "plan", "mig-1", "..", "PreHook").normalize()).startsWithRaw(data.resolve("logs/hoist/plan/mig-1"));
        assertThat(logs.file("hoist", "plan", "mig-1", "web-01", "PreHook").getFileName().toString()).isEqualTo("PreHook.log");
    }
}
