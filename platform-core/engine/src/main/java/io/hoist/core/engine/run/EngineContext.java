package io.hoist.core.engine.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hoist.api.host.Settings;
import io.hoist.core.engine.runtime.Extensions;
import io.hoist.core.engine.runtime.ProviderRuntime;
import io.hoist.core.engine.scheduler.TransferScheduler;
import io.hoist.core.engine.status.StatusWriter;
import io.hoist.core.store.ResourceStore;
import io.vertx.core.Vertx;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What VM runs share. {@code phases} runs phase handlers (plugin calls block); {@code copies} runs
 * disk copies, each holding a thread for its duration, bounded by the transfer scheduler.
 */
public record EngineContext(Vertx vertx, ResourceStore store, ObjectMapper mapper, ProviderRuntime providers,
                            Extensions extensions, TransferScheduler scheduler, DiskCopyService copier,
                            StatusWriter status, Settings settings, ExecutorService phases, ExecutorService copies,
                            ScheduledExecutorService timers) {}
