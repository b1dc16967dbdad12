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

    /**
     * The tensor in use: replaced as a whole, never mutated.
     *
     * @param t the tensor, row-major
     * @param version 0 for the configured initial tensor
     * @param confidence at {@code stampMillis}
     * @param timeConstants identified per parent axis, seconds, NaN where unknown (for kp 'auto')
     * @param stampMillis when {@code confidence} held
     * @param halfLifeMillis confidence halves with every half-life of age; 0: it does not decay
     */
    record Tensor(
            double[] t,
            long version,
            double confidence,
            double[] timeConstants,
            long stampMillis,
            long halfLifeMillis) {

        private static final double[] UNKNOWN = {Double.NaN, Double.NaN, Double.NaN};

        /** A tensor whose confidence does not decay and that brings no time constants. */
        Tensor(double[] t, long version, double confidence) {
            this(t, version, confidence, UNKNOWN, 0, 0);
        }

        /** @return the confidence at {@code nowMillis}: allocation-free, for the loop */
        double confidenceAt(long nowMillis) {
            if (halfLifeMillis == 0) {
                return confidence;
            }
            return confidence * Math.pow(0.5, Math.max(0, nowMillis - stampMillis) / (double) halfLifeMillis);
        }
    }

    private static final String[] STALE_REASON = {
        "stale or bad parent data: holding",
        "stale or bad parent data: ramping to neutral",
        "stale or bad parent data: output zeroed"
    };

    final String pid;
    private PairSettings settings;
    private Frame frame;
    // Replaced by freshFrames() when the watchdog abandons a thread stuck in a tool that holds them.
    private Reading parentReading = new Reading();
    private Reading childReading = new Reading();
    private double[] scratch = new double[6];
    private final double[] previousError = new double[3];
    /** Sum of the increments applied since the pair started: the output the clamps bound. */
    private final double[] output = new double[3];
    /** Setpoint shift received from a pair above (cascade). */
    final double[] shift = new double[3];

    private final double[] kp = new double[3];
    private double ki;
    /** The tensor {@link #kp} was derived from (its identified time constants). */
    private Tensor gainsFrom;
    /** Probe level per axis, -1, 0 or +1, while the pair learns. */
    private final int[] probe = new int[3];
    /** The probe's part of the output per axis: level times the amplitude in force at the last flip. */
    private final double[] probeOffset = new double[3];

    private long probeRandom;
    /** {@code 1 / rate} in seconds, kept from the settings so that the cycle does not divide. */
    private double period;

    private FilterChain chain = FilterChain.EMPTY;
    private boolean bumpless = true;
    private long lastCycleNanos;
    /** Weight of a new squared error in the 10-second exponential mean: 1 - exp(-period / 10 s). */
    private double rmsAlpha;

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
    /** Exponentially weighted mean of the squared error norm over about 10 s, and its weight so far. */
    double meanSquared;

    double meanWeight;
    double lastErrorX = Double.NaN;
    double lastErrorY = Double.NaN;
    double lastErrorZ = Double.NaN;
    /** Integral over time of the error's absolute values, summed over the axes (unit times seconds). */
    double integralAbsError;

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
        // seeded by the pair id, so a run is reproducible and pairs probe independently
        this.probeRandom = settings.id().hashCode() * 0x9E3779B97F4A7C15L | 1;
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
        gains(tensor);
        ki = Double.isNaN(s.ki()) ? 1 / s.closedLoopSeconds() : s.ki();
        period = 1.0 / s.rateHz();
        rmsAlpha = -Math.expm1(-period / RMS_SECONDS);
        bumpless = true;
    }

    /**
     * Gives the pair new frames: the abandoned thread and the tool it is stuck in keep the old ones, so
     * whatever they write later lands nowhere. Called by the watchdog while no live thread runs the pair.
     */
    void freshFrames() {
        frame = new Frame(settings.id(), settings.axisMask());
        parentReading = new Reading();
        childReading = new Reading();
        scratch = new double[6];
        bumpless = true;
    }

    /**
     * kp per axis: as configured, or 'auto': the time constant over the closed-loop time constant, the
     * identified one when the tensor brings it, else the configured one, else 0.
     */
    private void gains(Tensor from) {
        PairSettings s = settings;
        for (int j = 0; j < 3; j++) {
            double identified = from.timeConstants()[j];
            double tau = identified > 0 && Double.isFinite(identified) ? identified : s.timeConstants()[j];
            kp[j] = Double.isNaN(s.kp()) ? (Double.isNaN(tau) ? 0 : tau / s.closedLoopSeconds()) : s.kp();
        }
        gainsFrom = from;
    }

    /**
     * The probe: while the pair learns, each axis with an amplitude holds +A or -A and flips at random,
     * on average every half closed-loop time constant, so the estimator sees the plant respond. The probe's
     * part of the output never leaves [-A, +A]; it adds its increment to {@code a}.
     *
     * @param scale the share of the amplitude to use from the next flip on, in [0, 1]
     */
    private void probe(PairSettings s, double[] a, double dt, double scale) {
        double flip = dt / (0.5 * s.closedLoopSeconds());
        for (int j = 0; j < 3; j++) {
            double amplitude = s.probeAmplitude()[j];
            if (amplitude == 0) {
                continue;
            }
            // xorshift64: allocation-free pseudo-random numbers
            long x = probeRandom;
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            probeRandom = x;
            double u = (x >>> 11) * 0x1.0p-53;
            int level = probe[j];
            int next = level == 0 ? (u < 0.5 ? 1 : -1) : (u < flip ? -level : level);
            if (next != level) {
                double offset = next * amplitude * scale;
                a[j] += offset - probeOffset[j];
                probeOffset[j] = offset;
                probe[j] = next;
            }
        }
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
    void cycle(Plan.Entry entry, long nowNanos, long nowMillis, MeasurementCollector collector, Fence fence) {
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
        boolean good = read(entry.parent(), entry.parentService(), parentReading, nowMillis, fence);
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
            read(entry.child(), entry.childService(), childReading, nowMillis, fence);
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
            chain.pre(f, scratch, fence, this);

            // decoupling PI in velocity form through T, weighted by confidence
            Tensor tensor = this.tensor;
            if (tensor != gainsFrom) {
                gains(tensor);
            }
            double c = confidence(tensor, nowMillis);
            f.confidence = c;
            if (c < s.confidenceFloor()) {
                if (s.probeAmplitude()[0] + s.probeAmplitude()[1] + s.probeAmplitude()[2] > 0) {
                    a[0] = 0;
                    a[1] = 0;
                    a[2] = 0;
                    probe(s, a, dt, 1);
                    publish(PairState.HOLDING, "confidence below floor: probing to learn");
                } else {
                    a[0] = 0;
                    a[1] = 0;
                    a[2] = 0;
                    publish(PairState.HOLDING, "confidence below floor");
                }
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
                double until = s.probeUntil();
                if (c < until) {
                    // persistent excitation at up to half the amplitude (the control law moves the actuators
                    // too), fading out as confidence rises towards probeUntil
                    probe(s, a, dt, 0.5 * (until - c) / (until - s.confidenceFloor()));
                }
                publish(PairState.RUNNING, "");
            }
            chain.transform(f, scratch, fence, this);
            chain.post(f, scratch, fence, this);
            previousError[0] = e[0];
            previousError[1] = e[1];
            previousError[2] = e[2];
            bumpless = false;
            recordError(e);
        }

        safety(s, a, dt, mask, !good && s.stalePolicy() == PairSettings.StalePolicy.ZERO);
        apply(entry, a, fence);
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

    private boolean read(DomainAdapter adapter, long serviceId, Reading reading, long nowMillis, Fence fence) {
        reading.reset(nowMillis);
        fence.enter(adapter, serviceId, this);
        try {
            adapter.read(reading);
        } catch (RuntimeException e) {
            adapterFaults++;
            reading.quality = Quality.BAD;
        }
        fence.exit();
        return reading.quality != Quality.BAD;
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

    private void apply(Plan.Entry entry, double[] a, Fence fence) {
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
        fence.enter(entry.child(), entry.childService(), this);
        try {
            entry.child().apply(a[0], a[1], a[2]);
        } catch (RuntimeException e) {
            adapterFaults++;
        }
        fence.exit();
    }

    /**
     * Keeps the squared error and its exponentially weighted mean (time constant {@link #RMS_SECONDS});
     * square roots are left to the readers, so the cycle takes none. The weight corrects the mean's start
     * from zero, so the first seconds are not biased low.
     */
    private void recordError(double[] e) {
        double sq = e[0] * e[0] + e[1] * e[1] + e[2] * e[2];
        double alpha = rmsAlpha;
        meanSquared += alpha * (sq - meanSquared);
        meanWeight += alpha * (1 - meanWeight);
        integralAbsError += (Math.abs(e[0]) + Math.abs(e[1]) + Math.abs(e[2])) * period;
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

    // the decayed confidence of the tensor in use, as last computed (loop thread only)
    private Tensor confidenceOf;
    private long confidenceMillis;
    private double confidenceValue;

    /**
     * The tensor's confidence now, recomputed (a {@code Math.pow}) only when the tensor changed or a
     * thousandth of its half-life has passed: at that step the decay moves confidence by under 0.07%.
     */
    private double confidence(Tensor tensor, long nowMillis) {
        if (tensor != confidenceOf
                || nowMillis - confidenceMillis >= Math.max(1, tensor.halfLifeMillis() / 1000)
                || nowMillis < confidenceMillis) {
            confidenceOf = tensor;
            confidenceMillis = nowMillis;
            confidenceValue = tensor.confidenceAt(nowMillis);
        }
        return confidenceValue;
    }

    /** Time constant of the RMS error, seconds. */
    static final double RMS_SECONDS = 10;

    /** @return the RMS of the error norm over about the last 10 s (exponential window), NaN before any */
    double rms() {
        return meanWeight > 0 ? Math.sqrt(meanSquared / meanWeight) : Double.NaN;
    }

    /** @return the accumulated output on {@code axis} */
    double output(int axis) {
        return output[axis];
    }
}
