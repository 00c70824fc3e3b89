package io.hoist.plugin.v2v;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class V2vProgressTest {
    @Test
    void stagesArePassedOnAndTimedWhileKernelLinesAreNot() {
        List<String> seen = new ArrayList<>();
        V2vProgress p = new V2vProgress((stage, percent) -> seen.add(percent + " " + stage));
        for (String line : List.of("[   0.0] Setting up the source: -i libvirtxml /x/domain.xml", "[   1.1] Opening the source",
                "[    2.791804] Run /init as init process", "[  63.5] Inspecting the source",
                "[  97.2] Checking for sufficient free disk space in the guest", "[  97.2] Converting 12.15 to run on KVM",
                "[ 438.0] Mapping filesystem data to avoid copying unused and blank areas", "[ 445.6] Finishing off")) {
            p.accept(line);
        }
        assertThat(seen).containsExactly("1 Setting up the source: -i libvirtxml /x/domain.xml", "2 Opening the source",
                "20 Inspecting the source", "25 Checking for sufficient free disk space in the guest", "30 Converting 12.15 to run on KVM",
                "85 Mapping filesystem data to avoid copying unused and blank areas", "99 Finishing off");
        assertThat(p.timings()).containsEntry("appliance", 62.4).containsEntry("inspection", 33.7).containsEntry("conversion", 348.4);
    }

    @Test
    void logTailKeepsTheLastBytesByWholeLines() {
        LogTail t = new LogTail(100);
        for (int i = 0; i < 50; i++) {
            t.add("line " + i);
        }
        String text = t.text();
        assertThat(text).startsWith("[hoist: ").contains("line 49\n").doesNotContain("line 1\n");
        assertThat(text.substring(text.indexOf('\n') + 1).length()).isLessThanOrEqualTo(100);
    }
}
