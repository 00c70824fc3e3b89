package io.hoist.plugin.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoist.api.HoistException;
import org.junit.jupiter.api.Test;

class InterruptionsTest {
    @Test
    void anInterruptEndsTheWaitAndStaysSet() {
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> Interruptions.sleep(60_000)).isInstanceOfSatisfying(HoistException.class, e -> {
                assertThat(e.type()).isEqualTo(HoistException.Type.UNAVAILABLE);
                assertThat(e.code()).isEqualTo("Interrupted");
            });
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void anUninterruptedSleepReturns() {
        Interruptions.sleep(1);
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void cleanupRunsUninterruptedAndTheInterruptIsSetAgain() {
        Thread.currentThread().interrupt();
        try {
            boolean[] sawInterrupt = {true};
            Interruptions.runDespiteInterrupt(() -> {
                sawInterrupt[0] = Thread.currentThread().isInterrupted();
                Interruptions.sleep(1); // would throw Interrupted if the flag were still set
            });
            assertThat(sawInterrupt[0]).isFalse();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void cleanupOfAnUninterruptedThreadLeavesItUninterrupted() {
        boolean[] ran = {false};
        Interruptions.runDespiteInterrupt(() -> ran[0] = true);
        assertThat(ran[0]).isTrue();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void aFailingCleanupStillRestoresTheInterrupt() {
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> Interruptions.runDespiteInterrupt(() -> {
                throw new IllegalStateException("cleanup failed");
            })).hasMessage("cleanup failed");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }
}
