package io.hoist.core.server.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.api.destination.AllocatedDisk;
import io.hoist.api.destination.ConvertibleDestination;
import io.hoist.api.destination.DiskLocation;
import io.hoist.api.destination.TargetVmSpec;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PluginCallsTest {
    @Test
    void sealedApiValuesComeBackAsTheyAreNotProxied() throws Exception {
        ConvertibleDestination plugin = (TargetVmSpec spec, AllocatedDisk disk) -> new DiskLocation.LocalFile(Path.of("/x/disk.img"), "raw");
        ConvertibleDestination guarded = PluginCalls.guard("p", getClass().getClassLoader(), ConvertibleDestination.class, plugin);
        assertThat(java.lang.reflect.Proxy.isProxyClass(guarded.getClass())).isTrue();
        DiskLocation where = guarded.locate(null, null);
        assertThat(where).isInstanceOf(DiskLocation.LocalFile.class);
        assertThat(((DiskLocation.LocalFile) where).path()).isEqualTo(Path.of("/x/disk.img"));
    }
}
