package dev.cascade.core.internal;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

/**
 * Pair configurations for tests: the metatype defaults (with the identity as initial tensor), with the given
 * attributes overridden.
 */
final class Configs {

    private Configs() {}

    static PairComponent.Config pair(String... keyValues) {
        Map<String, Object> values = new HashMap<>();
        values.put("id", "p1");
        values.put("parent", "hall");
        values.put("child", "unit");
        values.put("setpoint", "1, 2, 3");
        // these tests run the law on a known tensor; learning from scratch is tested on its own
        values.put("initialTensor", "1, 0, 0, 0, 1, 0, 0, 0, 1");
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put(keyValues[i], keyValues[i + 1]);
        }
        return (PairComponent.Config) Proxy.newProxyInstance(
                Configs.class.getClassLoader(), new Class<?>[] {PairComponent.Config.class}, (proxy, method, args) -> {
                    if (method.getName().equals("annotationType")) {
                        return PairComponent.Config.class;
                    }
                    Object v = values.get(method.getName());
                    if (v == null) {
                        return method.getDefaultValue();
                    }
                    Class<?> type = method.getReturnType();
                    String s = v.toString();
                    if (type == double.class) {
                        return Double.parseDouble(s);
                    }
                    if (type == int.class) {
                        return Integer.parseInt(s);
                    }
                    if (type == long.class) {
                        return Long.parseLong(s);
                    }
                    return s;
                });
    }

    static PairSettings settings(String... keyValues) {
        return PairSettings.parse(pair(keyValues));
    }
}
