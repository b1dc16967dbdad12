package dev.cascade.demo.internal;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

/** Builds {@link DemoPlant.Config} instances as SCR does: the annotation's defaults, some values replaced. */
final class Configs {

    private Configs() {}

    static DemoPlant.Config defaults() {
        return with(Map.of());
    }

    static DemoPlant.Config with(Map<String, Object> values) {
        return (DemoPlant.Config) Proxy.newProxyInstance(
                DemoPlant.Config.class.getClassLoader(), new Class<?>[] {DemoPlant.Config.class}, (p, method, args) -> {
                    if (method.getName().equals("annotationType")) {
                        return DemoPlant.Config.class;
                    }
                    return values.getOrDefault(method.getName(), method.getDefaultValue());
                });
    }

    /** Settings for model tests: no noise, no drift, no gain change unless the caller adds them. */
    static Settings quiet(Map<String, Object> extra) {
        Map<String, Object> values = new HashMap<>(Map.of(
                "noiseScale", 0.0,
                "disturbanceAmplitudeKw", 0.0,
                "gainChange", false));
        values.putAll(extra);
        return Settings.from(with(values));
    }
}
