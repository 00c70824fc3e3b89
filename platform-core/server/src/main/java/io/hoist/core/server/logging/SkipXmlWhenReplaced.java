package io.hoist.core.server.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback's first step when it starts (a {@link Configurator} service runs before logback.xml is looked for). When
 * {@link Logging#configure} is what started Logback, it resets the context and sets everything itself right after,
 * so reading logback.xml (an XML parser, and Joran's annotation lookups through reflection proxies) would be thrown
 * away: skipped. Started by anything else (a logger used before, tests, {@link Logging#reset}): logback.xml as before.
 */
public final class SkipXmlWhenReplaced extends ContextAwareBase implements Configurator {
    @Override
    public ExecutionStatus configure(LoggerContext context) {
        return Logging.replacing() ? ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY : ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
}
