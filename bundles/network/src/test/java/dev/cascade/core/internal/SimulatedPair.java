package dev.cascade.core.internal;

// Test bridge: PairRuntime, PairSettings and LoopEngine.offer are package-private in the core bundle on
// purpose (it exports nothing), so the network's simulated-time tests reach them through this class in the
// same package. A split package is harmless here: the tests run on one flat class path, not in OSGi.

import dev.cascade.api.control.MeasurementCollector;
import dev.cascade.api.control.PairState;
import dev.cascade.api.domain.DomainAdapter;
import dev.cascade.api.estimation.EstimatorSettings;
import dev.cascade.api.network.CachedTensor;
import java.lang.reflect.Proxy;
import java.util.Map;

/** One pair of the core, cycled by a test in simulated time, taking tensors from the cache as the engine does. */
public final class SimulatedPair {

    private final PairSettings settings;
    private final PairRuntime runtime;
    private final Plan.Entry entry;
    private final Fence fence = new Fence();

    /**
     * @param config the pair's configuration as a {@code .cfg} file gives it (attribute -> text)
     */
    public SimulatedPair(Map<String, String> config, DomainAdapter parent, DomainAdapter child) {
        this.settings = PairSettings.parse(config(config));
        this.runtime = new PairRuntime("pid-" + settings.id(), settings);
        this.entry =
                new Plan.Entry(runtime, settings, parent, child, new PairRuntime[0], FilterChain.EMPTY, 1.0, "", 1, 2);
    }

    /** Runs one cycle at the given clocks and records the measurement into {@code collector}. */
    public void cycle(long nowNanos, long nowMillis, MeasurementCollector collector) {
        runtime.cycle(entry, nowNanos, nowMillis, collector, fence);
    }

    /** What the engine does with every tensor the cache accepts. */
    public void offer(CachedTensor cached, long nowMillis) {
        LoopEngine.offer(runtime, settings, cached, nowMillis);
    }

    public String id() {
        return settings.id();
    }

    public EstimatorSettings estimatorSettings() {
        return settings.estimatorSettings();
    }

    public double confidenceFloor() {
        return settings.confidenceFloor();
    }

    /** @return the confidence of the tensor in use at {@code nowMillis} */
    public double confidence(long nowMillis) {
        return runtime.tensor.confidenceAt(nowMillis);
    }

    public long tensorVersion() {
        return runtime.tensor.version();
    }

    /** @return the RMS of the error norm over about the last 10 s (exponential window), as {@code cascade:pairs} shows it */
    public double rms() {
        runtime.cycles();
        return runtime.rms();
    }

    public PairState state() {
        return runtime.state;
    }

    /** @return the accumulated output on {@code axis} since the pair started */
    public double output(int axis) {
        return runtime.output(axis);
    }

    private static PairComponent.Config config(Map<String, String> values) {
        return (PairComponent.Config) Proxy.newProxyInstance(
                SimulatedPair.class.getClassLoader(), new Class<?>[] {PairComponent.Config.class}, (p, m, args) -> {
                    if (m.getName().equals("annotationType")) {
                        return PairComponent.Config.class;
                    }
                    String v = values.get(m.getName());
                    if (v == null) {
                        return m.getDefaultValue();
                    }
                    Class<?> type = m.getReturnType();
                    if (type == double.class) {
                        return Double.parseDouble(v);
                    }
                    if (type == int.class) {
                        return Integer.parseInt(v);
                    }
                    if (type == long.class) {
                        return Long.parseLong(v);
                    }
                    return v;
                });
    }
}
