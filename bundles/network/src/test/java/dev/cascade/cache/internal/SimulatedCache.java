package dev.cascade.cache.internal;

// Test bridge: the cache's clock-taking constructor is package-private (the cache bundle exports nothing),
// so the network's simulated-time tests reach it through this class in the same package.

import dev.cascade.api.network.TensorCache;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/** The real tensor cache with its default rules, persisting under a test's folder, on a simulated clock. */
public final class SimulatedCache {

    private SimulatedCache() {}

    public static TensorCache create(Path directory, LongSupplier clock) {
        PersistentCache.Config config = (PersistentCache.Config) Proxy.newProxyInstance(
                PersistentCache.Config.class.getClassLoader(),
                new Class<?>[] {PersistentCache.Config.class},
                (p, m, args) -> {
                    if (m.getName().equals("annotationType")) {
                        return PersistentCache.Config.class;
                    }
                    return m.getName().equals("directory") ? directory.toString() : m.getDefaultValue();
                });
        return new PersistentCache(config, clock);
    }
}
