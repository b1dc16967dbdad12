package dev.cascade.core.internal;

import dev.cascade.api.control.MeasurementCollector;
import dev.cascade.api.control.PairState;
import dev.cascade.api.domain.DomainAdapter;
import dev.cascade.api.domain.Quality;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One pair's state and its cycle: measure, error, filters, the decoupling PI law through T, safety,
 * apply, record. Everything here runs on the loop thread, allocates nothing and takes no lock; what other
 * threads read (status) is published through volatile fields.
 */
final class PairRuntime {

    /** The tensor in use: replaced as a whole, never mutated. */
    record Tensor(double[] t, long version, double confidence) {}

    private static final String[] STALE_REASON = {
        "stale or bad parent data: holding",
        "stale or bad parent data: ramping to neutral",
        "stale or bad parent data: output zeroed"
    };

    final String pid;
    private PairSettings settings;
    private Frame frame;
    private final Reading parentReading = new Reading();
    private final Reading childReading = new Reading();
    private final double[] scratch = new double[6];
    private final double[] previousError = new double[3];
    /** Sum of the increments applied since the pair started: the output the clamps bound. */
    private final double[] output = new double[3];
    /** Setpoint shift received from a pair above (cascade). */
    final double[] shift = new double[3];

    private final double[] kp = new double[3];
    private double ki;
    /** {@code 1 / rate} in seconds, kept from the settings so that the cycle does not divide. */
    private double period;

    private FilterChain chain = FilterChain.EMPTY;
    private boolean bumpless = true;
    private long lastCycleNanos;
    private double[] window;
    private int windowNext;
    private int windowFill;
    private double windowSum;

    volatile Tensor tensor;

    // Published status. The loop thread writes these plain fields and then {@link #cycles} with release
    // semantics (a plain store on x86, where a volatile store would cost a fence per cycle); readers on other
    // threads call {@link #cycles()} first, with acquire semantics, and then read the fields.
    volatile PairState state = PairState.WAITING;
    volatile String reason = "";
    long cycles;
    volatile long missedDeadlines;
    volatile long adapterFaults;
    volatile long staleCycles;
    volatile long nonFinite;
    double errorNorm = Double.NaN;
    double rms = Double.NaN;
    double lastErrorX = Double.NaN;
    double lastErrorY = Double.NaN;
    double lastErrorZ = Double.NaN;

    private static final VarHandle CYCLES;

    static {
        try {
            CYCLES = MethodHandles.lookup().findVarHandle(PairRuntime.class, "cycles", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** @return the cycles run; read this first from another thread, then the other status fields */
    long cycles() {
        return (long) CYCLES.getAcquire(this);
    }

    // scheduling, loop thread only
    long due;

    PairRuntime(String pid, PairSettings settings) {
        this.pid = pid;
        this.tensor = new Tensor(settings.initialTensor().clone(), 0, settings.initialConfidence());
        adopt(settings);
    }

    PairSettings settings() {
        return settings;
    }

    /** Takes new settings without a bump: the output, the previous error and the cascade shift carry over. */
    private void adopt(PairSettings s) {
        if (settings != null && !java.util.Arrays.equals(settings.initialTensor(), s.initialTensor())) {
            tensor = new Tensor(s.initialTensor().clone(), 0, s.initialConfidence());
        }
        settings = s;
        frame = new Frame(s.id(), s.axisMask());
        for (int j = 0; j < 3; j++) {
            double tau = s.timeConstants()[j];
            kp[j] = Double.isNaN(s.kp()) ? (Double.isNaN(tau) ? 0 : tau / s.closedLoopSeconds()) : s.kp();
        }
        ki = Double.isNaN(s.ki()) ? 1 / s.closedLoopSeconds() : s.ki();
        period = 1.0 / s.rateHz();
        int size = (int) Math.min(10_000, Math.max(1, Math.round(s.rateHz() * 10)));
        if (window == null || window.length != size) {
            window = new double[size];
            windowNext = 0;
            windowFill = 0;
            windowSum = 0;
        }
        bumpless = true;
    }

    /** Marks the pair as waiting for a domain; the loop does not run it. */
    void waiting(String why) {
        if (state != PairState.WAITING || !reason.equals(why)) {
            state = PairState.WAITING;
            reason = why;
        }
        lastCycleNanos = 0;
        bumpless = true;
    }

    /**
     * Runs one cycle.
     *
     * @param entry what the current plan says about this pair
     * @param nowNanos the scheduler's clock
     * @param nowMillis wall-clock time, for timestamps and staleness
     */
    void cycle(Plan.Entry entry, long nowNanos, long nowMillis, MeasurementCollector collector) {
        if (entry.settings() != settings) {
            adopt(entry.settings());
        }
        if (entry.chain() != chain) {
            chain = entry.chain();
            bumpless = true;
        }
        PairSettings s = settings;
        Frame f = frame;
        int mask = s.axisMask();
        double period = this.period;
        double dt = lastCycleNanos == 0 ? period : Math.min(2 * period, (nowNanos - lastCycleNanos) * 1e-9);
        lastCycleNanos = nowNanos;
        f.cycle = cycles;
        f.dt = dt;

        // measure
        boolean good = read(entry.parent(), parentReading, nowMillis);
        double[] y = parentReading.state;
        f.timestamp = parentReading.timestamp;
        f.quality = parentReading.quality;
        f.parent[0] = y[0];
        f.parent[1] = y[1];
        f.parent[2] = y[2];
        if (good) {
            for (int j = 0; j < 3; j++) {
                if ((mask & (1 << j)) != 0 && !Double.isFinite(y[j])) {
                    good = false;
                    nonFinite++;
                }
            }
        }
        if (good && nowMillis - parentReading.timestamp > s.staleTimeoutMillis()) {
            good = false;
        }
        int[] saturation = childReading.saturation;
        if (entry.child() != null) {
            read(entry.child(), childReading, nowMillis);
        } else {
            childReading.reset(nowMillis);
        }

        double[] a = f.adjustment;
        if (!good) {
            staleCycles++;
            publish(PairState.HOLDING, STALE_REASON[s.stalePolicy().ordinal()]);
            stale(s, a, dt);
            bumpless = true;
        } else {
            // error, shared among the pairs of this parent
            double share = entry.share();
            double[] e = f.error;
            for (int j = 0; j < 3; j++) {
                e[j] = (mask & (1 << j)) == 0 ? 0 : (s.setpoint()[j] + shift[j] - y[j]) * share;
            }
            chain.pre(f, scratch);

            // decoupling PI in velocity form through T, weighted by confidence
            Tensor tensor = this.tensor;
            double c = tensor.confidence();
            f.confidence = c;
            if (c < s.confidenceFloor()) {
                a[0] = 0;
                a[1] = 0;
                a[2] = 0;
                publish(PairState.HOLDING, "confidence below floor");
            } else {
                double v0 = (bumpless ? 0 : kp[0] * (e[0] - previousError[0])) + ki * dt * e[0];
                double v1 = (bumpless ? 0 : kp[1] * (e[1] - previousError[1])) + ki * dt * e[1];
                double v2 = (bumpless ? 0 : kp[2] * (e[2] - previousError[2])) + ki * dt * e[2];
                double[] t = tensor.t();
                a[0] = c * (t[0] * v0 + t[1] * v1 + t[2] * v2);
                a[1] = c * (t[3] * v0 + t[4] * v1 + t[5] * v2);
                a[2] = c * (t[6] * v0 + t[7] * v1 + t[8] * v2);
                // conditional integration: never push further into a saturated actuator
                for (int j = 0; j < 3; j++) {
                    if (saturation[j] != 0 && a[j] * saturation[j] > 0) {
                        a[j] = 0;
                    }
                }
                publish(PairState.RUNNING, "");
            }
            chain.transform(f, scratch);
            chain.post(f, scratch);
            previousError[0] = e[0];
            previousError[1] = e[1];
            previousError[2] = e[2];
            bumpless = false;
            recordError(e);
        }

        safety(s, a, dt, mask, !good && s.stalePolicy() == PairSettings.StalePolicy.ZERO);
        apply(entry, a);
        CYCLES.setRelease(this, cycles + 1);
        if (collector != null) {
            try {
                collector.collect(f);
            } catch (RuntimeException ex) {
                // the collector is Cascade's own; a failure there must not stop the loop
                adapterFaults++;
            }
        }
    }

    private boolean read(DomainAdapter adapter, Reading reading, long nowMillis) {
        reading.reset(nowMillis);
        try {
            adapter.read(reading);
            return reading.quality != Quality.BAD;
        } catch (RuntimeException e) {
            adapterFaults++;
            reading.quality = Quality.BAD;
            return false;
        }
    }

    /** The increment the stale policy asks for. */
    private void stale(PairSettings s, double[] a, double dt) {
        for (int j = 0; j < 3; j++) {
            a[j] = switch (s.stalePolicy()) {
                case HOLD -> 0;
                case ZERO -> -output[j];
                case RAMP -> {
                    double step = s.maxRate()[j] * dt;
                    yield Double.isInfinite(step) ? -output[j] : Math.max(-step, Math.min(step, -output[j]));
                }
            };
        }
    }

    /**
     * Safety in the core: a non-finite increment becomes 0 (counted), the rate limit bounds each increment,
     * the output clamps bound the sum of increments, masked axes get nothing.
     */
    private void safety(PairSettings s, double[] a, double dt, int mask, boolean zeroing) {
        for (int j = 0; j < 3; j++) {
            double v = a[j];
            if (!Double.isFinite(v)) {
                nonFinite++;
                v = 0;
            }
            if ((mask & (1 << j)) == 0) {
                v = 0;
            }
            if (!zeroing) {
                double step = s.maxRate()[j] * dt;
                v = Math.max(-step, Math.min(step, v));
            }
            double next = output[j] + v;
            if (next > s.outputMax()[j]) {
                v = s.outputMax()[j] - output[j];
            } else if (next < s.outputMin()[j]) {
                v = s.outputMin()[j] - output[j];
            }
            a[j] = v;
            output[j] += v;
        }
    }

    private void apply(Plan.Entry entry, double[] a) {
        PairRuntime[] below = entry.cascade();
        if (below.length > 0) {
            // the child is the parent of other pairs: shift their setpoints instead of its actuators
            for (PairRuntime pair : below) {
                pair.shift[0] += a[0];
                pair.shift[1] += a[1];
                pair.shift[2] += a[2];
            }
            return;
        }
        try {
            entry.child().apply(a[0], a[1], a[2]);
        } catch (RuntimeException e) {
            adapterFaults++;
        }
    }

    private void recordError(double[] e) {
        double sq = e[0] * e[0] + e[1] * e[1] + e[2] * e[2];
        double[] w = window;
        if (windowFill == w.length) {
            windowSum -= w[windowNext];
        } else {
            windowFill++;
        }
        w[windowNext] = sq;
        windowSum += sq;
        windowNext = windowNext + 1 == w.length ? 0 : windowNext + 1;
        errorNorm = Math.sqrt(sq);
        rms = Math.sqrt(Math.max(0, windowSum) / windowFill);
        lastErrorX = e[0];
        lastErrorY = e[1];
        lastErrorZ = e[2];
    }

    private void publish(PairState newState, String why) {
        // compare first: a volatile write per cycle for an unchanged state would be wasted
        if (state != newState) {
            state = newState;
        }
        if (!reason.equals(why)) {
            reason = why;
        }
    }

    /** @return the accumulated output on {@code axis} */
    double output(int axis) {
        return output[axis];
    }
}
