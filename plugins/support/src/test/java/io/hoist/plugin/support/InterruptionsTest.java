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
}
