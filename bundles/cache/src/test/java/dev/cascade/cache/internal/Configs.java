package dev.cascade.cache.internal;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

/** Cache configurations for tests: the metatype defaults, with the given attributes overridden. */
final class Configs {

    private Configs() {}

    static PersistentCache.Config cache(String... keyValues) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put(keyValues[i], keyValues[i + 1]);
        }
        return (PersistentCache.Config) Proxy.newProxyInstance(
                Configs.class.getClassLoader(), new Class<?>[] {PersistentCache.Config.class}, (proxy, m, args) -> {
                    String v = values.get(m.getName());
                    if (v == null) {
                        return m.getDefaultValue();
                    }
                    return m.getReturnType() == double.class ? (Object) Double.parseDouble(v) : v;
                });
    }
}
