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

    // The fields are laid out for the cycle's cache lines. HotSpot (JDK 15 and later) places a class's
    // 8-byte fields first, in declaration order, then the 4-byte ones, the booleans and the references last;
    // so the fields a cycle does not touch (counters that move only on a fault, the probe's seed and pace)
    // are declared first and sit next to the header, and everything a cycle reads or writes follows in one
    // stretch: the pair's numbers are fields of this object rather than arrays of their own, so a cycle
    // reads this object, its frame and its reading, and no pointer in between.

    // ---- cold: status counters that move only on a fault, the probe's state

    volatile long missedDeadlines;
    volatile long adapterFaults;
    volatile long staleCycles;
    volatile long nonFinite;
    private long probeRandom;
    private double closedLoopSeconds;

    // ---- hot: what every cycle reads or writes

    // The tensor in use, row-major (copied from {@link #tensor} when it is swapped).
    private double t0, t1, t2, t3, t4, t5, t6, t7, t8;
    // kp per axis.
    private double kp0, kp1, kp2;
    // The setpoint, from the settings.
    private double sp0, sp1, sp2;
    // Setpoint shift received from a pair above (cascade).
    private double shift0, shift1, shift2;
    // Sum of the increments applied since the pair started: the output the clamps bound.
    private double out0, out1, out2;
    // Rate limit and output bounds per axis, from the settings.
    private double maxRate0, maxRate1, maxRate2;
    private double min0, min1, min2;
    private double max0, max1, max2;

    // scalars of the settings, kept here so the cycle reads one object
    private double ki;
    /** {@code 1 / rate} in seconds, kept from the settings so that the cycle does not divide. */
    private double period;
    /** Weight of a new squared error in the 10-second exponential mean: 1 - exp(-period / 10 s). */
    private double rmsAlpha;

    private double confidenceFloor;
    private double probeUntil;
    private long staleTimeoutMillis;
    private long lastCycleNanos;
    /** The period in nanoseconds, for the scheduler (so that it need not read the settings every pass). */
    long periodNanos;

    // scheduling, loop thread only
    long due;

    // Published status. The loop thread writes these plain fields and then {@link #cycles} with release
    // semantics (a plain store on x86, where a volatile store would cost a fence per cycle); readers on other
    // threads call {@link #cycles()} first, with acquire semantics, and then read the fields.
    long cycles;
    /** Exponentially weighted mean of the squared error norm over about 10 s, and its weight so far. */
    double meanSquared;

    double meanWeight;
    /** Integral over time of the error's absolute values, summed over the axes (unit times seconds). */
    double integralAbsError;
    /**
     * The error of the last cycle that ran the control law, which is also the law's previous error: the
     * law reads it only while not bumpless, that is right after such a cycle.
     */
    double lastErrorX = Double.NaN;

    double lastErrorY = Double.NaN;
    double lastErrorZ = Double.NaN;

    // the decayed confidence of the tensor in use, as last computed (loop thread only)
    private long confidenceMillis;
    private double confidenceValue;
    /** How often the confidence of {@link #confidenceOf} is recomputed: a thousandth of its half-life. */
    private long confidenceStepMillis;

    private int mask;
    /** Phase of this pair's timing sample among the cycles of its chain's sample ({@link FilterChain#sampleMask}). */
    private final int samplePhase;

    private boolean bumpless = true;
    private boolean probes;
    /**
     * Set by the loop thread when a pass this pair ran in took longer than the loop's typical pass by more
     * than the smallest filter budget: some call may have overrun on an untimed cycle, so the pair's next
     * cycle times every call.
     */
    boolean timeNextCycle;

    // References last, in this order on purpose: a copying collector (G1 young collections) copies the
    // objects a copied object refers to depth first, the last reference first, so the frame and the reading,
    // declared last, land right after this object and the cold ones (the probe, the tensor) after them.

    final String pid;
    private PairSettings.StalePolicy stalePolicy;
    /**
     * The probe's numbers per axis, only touched while it probes: its amplitude (from the settings), its
     * part of the output (level times the amplitude in force at the last flip), its level (-1, 0 or +1).
     * Null until the settings give an amplitude (without one the probe adds nothing).
     */
    private double[] probe;

    volatile Tensor tensor;
    /** The tensor T and kp were derived from (its identified time constants). */
    private Tensor gainsFrom;

    private Tensor confidenceOf;
    volatile PairState state = PairState.WAITING;
    volatile String reason = "";
    private PairSettings settings;
    private FilterChain chain = FilterChain.EMPTY;
    // Replaced by freshFrames() when the watchdog abandons a thread stuck in a tool that holds it.
    private Reading reading;
    private Frame frame;

    private static final int PROBE_AMPLITUDE = 0;
    private static final int PROBE_OFFSET = 3;
    private static final int PROBE_LEVEL = 6;

    private static final VarHandle CYCLES;

    static {
        try {
            CYCLES = MethodHandles.lookup().findVarHandle(PairRuntime.class, "cycles", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** @return the cycles run; read this first from another thread, then the other status fields */
    /** @return whether this pair's last cycle ran in the pass that started at {@code passNanos} */
    boolean ranIn(long passNanos) {
        return lastCycleNanos == passNanos;
    }

    long cycles() {
        return (long) CYCLES.getAcquire(this);
    }

    PairRuntime(String pid, PairSettings settings) {
        this.pid = pid;
        // the frame and the reading right after this object, so that a pair's hot objects lie together
        this.frame = new Frame(settings.id(), settings.axisMask());
        this.reading = new Reading();
        this.tensor = new Tensor(settings.initialTensor().clone(), 0, settings.initialConfidence());
        // seeded by the pair id, so a run is reproducible and pairs probe independently
        this.probeRandom = settings.id().hashCode() * 0x9E3779B97F4A7C15L | 1;
        this.samplePhase = (int) (probeRandom >>> 48); // 16 bits, masked by the chain's sample
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
        if (settings != null) {
            // a fresh frame, as a new pair has; a new object only when what it names changed, so that the
            // frame stays next to this object in memory
            if (settings.axisMask() != s.axisMask() || !settings.id().equals(s.id())) {
                frame = new Frame(s.id(), s.axisMask());
            } else {
                frame.clear();
            }
        }
        settings = s;
        mask = s.axisMask();
        staleTimeoutMillis = s.staleTimeoutMillis();
        confidenceFloor = s.confidenceFloor();
        probeUntil = s.probeUntil();
        closedLoopSeconds = s.closedLoopSeconds();
        stalePolicy = s.stalePolicy();
        double[] amplitude = s.probeAmplitude();
        probes = amplitude[0] + amplitude[1] + amplitude[2] > 0;
        double[] sp = s.setpoint(), rate = s.maxRate(), min = s.outputMin(), max = s.outputMax();
        sp0 = sp[0];
        sp1 = sp[1];
        sp2 = sp[2];
        maxRate0 = rate[0];
        maxRate1 = rate[1];
        maxRate2 = rate[2];
        min0 = min[0];
        min1 = min[1];
        min2 = min[2];
        max0 = max[0];
        max1 = max[1];
        max2 = max[2];
        if (probes && probe == null) {
            probe = new double[9];
        }
        if (probe != null) {
            System.arraycopy(amplitude, 0, probe, PROBE_AMPLITUDE, 3);
        }
        gains(tensor);
        ki = Double.isNaN(s.ki()) ? 1 / s.closedLoopSeconds() : s.ki();
        period = 1.0 / s.rateHz();
        periodNanos = s.periodNanos();
        rmsAlpha = -Math.expm1(-period / RMS_SECONDS);
        bumpless = true;
    }

    /**
     * Gives the pair a new frame and reading: the abandoned thread and the tool it is stuck in keep the old
     * ones, so whatever they write later lands nowhere. Called by the watchdog while no live thread runs the
     * pair.
     */
    void freshFrames() {
        frame = new Frame(settings.id(), settings.axisMask());
        reading = new Reading();
        bumpless = true;
    }

    /**
     * Takes the tensor in use into T, with kp per axis: as configured, or 'auto': the time constant
     * over the closed-loop time constant, the identified one when the tensor brings it, else the configured
     * one, else 0.
     */
    private void gains(Tensor from) {
        PairSettings s = settings;
        double[] t = from.t();
        t0 = t[0];
        t1 = t[1];
        t2 = t[2];
        t3 = t[3];
        t4 = t[4];
        t5 = t[5];
        t6 = t[6];
        t7 = t[7];
        t8 = t[8];
        kp0 = kp(s, from, 0);
        kp1 = kp(s, from, 1);
        kp2 = kp(s, from, 2);
        gainsFrom = from;
    }

    private static double kp(PairSettings s, Tensor from, int j) {
        double identified = from.timeConstants()[j];
        double tau = identified > 0 && Double.isFinite(identified) ? identified : s.timeConstants()[j];
        return Double.isNaN(s.kp()) ? (Double.isNaN(tau) ? 0 : tau / s.closedLoopSeconds()) : s.kp();
    }

    /**
     * The probe: while the pair learns, each axis with an amplitude holds +A or -A and flips at random,
     * on average every half closed-loop time constant, so the estimator sees the plant respond. The probe's
     * part of the output never leaves [-A, +A]; it adds its increment to the frame's adjustment.
     *
     * @param scale the share of the amplitude to use from the next flip on, in [0, 1]
     */
    private void probe(Frame f, double dt, double scale) {
        double[] v = this.probe;
        if (v == null) {
            return; // no amplitude on any axis: nothing to add
        }
        double flip = dt / (0.5 * closedLoopSeconds);
        for (int j = 0; j < 3; j++) {
            double amplitude = v[PROBE_AMPLITUDE + j];
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
            double level = v[PROBE_LEVEL + j];
            double next = level == 0 ? (u < 0.5 ? 1 : -1) : (u < flip ? -level : level);
            if (next != level) {
                double offset = next * amplitude * scale;
                double step = offset - v[PROBE_OFFSET + j];
                switch (j) {
                    case 0 -> f.a0 += step;
                    case 1 -> f.a1 += step;
                    default -> f.a2 += step;
                }
                v[PROBE_OFFSET + j] = offset;
                v[PROBE_LEVEL + j] = next;
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
        fence.pair(this);
        Frame f = frame;
        Reading r = reading;
        int mask = this.mask;
        double period = this.period;
        double dt = lastCycleNanos == 0 ? period : Math.min(2 * period, (nowNanos - lastCycleNanos) * 1e-9);
        lastCycleNanos = nowNanos;
        long cycle = cycles;
        f.cycle = cycle;
        f.dt = dt;

        // measure: the parent's state, then the child's saturation, through one reading (each read clears
        // only what the loop takes from it)
        r.resetState(nowMillis);
        boolean good = read(entry.parent(), entry.parentService(), r, fence);
        double y0 = r.s0, y1 = r.s1, y2 = r.s2;
        long stamp = r.timestamp;
        f.timestamp = stamp;
        f.quality = r.quality;
        f.p0 = y0;
        f.p1 = y1;
        f.p2 = y2;
        if (good
                && (((mask & 1) != 0 && !Double.isFinite(y0))
                        || ((mask & 2) != 0 && !Double.isFinite(y1))
                        || ((mask & 4) != 0 && !Double.isFinite(y2)))) {
            good = false;
            nonFinite += ((mask & 1) != 0 && !Double.isFinite(y0) ? 1 : 0)
                    + ((mask & 2) != 0 && !Double.isFinite(y1) ? 1 : 0)
                    + ((mask & 4) != 0 && !Double.isFinite(y2) ? 1 : 0);
        }
        if (good && nowMillis - stamp > staleTimeoutMillis) {
            good = false;
        }
        r.resetSaturation();
        if (entry.child() != null) {
            read(entry.child(), entry.childService(), r, fence);
        }

        if (!good) {
            staleCycles++;
            publish(PairState.HOLDING, STALE_REASON[stalePolicy.ordinal()]);
            stale(f, dt);
            bumpless = true;
        } else {
            // error, shared among the pairs of this parent
            double share = entry.share();
            f.e0 = (mask & 1) == 0 ? 0 : (sp0 + shift0 - y0) * share;
            f.e1 = (mask & 2) == 0 ? 0 : (sp1 + shift1 - y1) * share;
            f.e2 = (mask & 4) == 0 ? 0 : (sp2 + shift2 - y2) * share;
            FilterChain chain = this.chain;
            // this pair's timing sample: always its first cycle, then one in its chain's sample at its own phase; and
            // the
            // cycle after a long pass (see LoopThread), which is enforcement, not accounting
            boolean sampled = timeNextCycle
                    || (chain.accounting && (cycle == 0 || ((cycle + samplePhase) & chain.sampleMask) == 0));
            timeNextCycle = false;
            long clock = chain.pre(f, sampled, fence);

            // decoupling PI in velocity form through T, weighted by confidence
            Tensor tensor = this.tensor;
            if (tensor != gainsFrom) {
                gains(tensor);
            }
            double c = confidence(tensor, nowMillis);
            f.confidence = c;
            double e0 = f.e0, e1 = f.e1, e2 = f.e2;
            if (c < confidenceFloor) {
                f.a0 = 0;
                f.a1 = 0;
                f.a2 = 0;
                if (probes) {
                    probe(f, dt, 1);
                    publish(PairState.HOLDING, "confidence below floor: probing to learn");
                } else {
                    publish(PairState.HOLDING, "confidence below floor");
                }
            } else {
                double ki = this.ki * dt;
                double v0 = ki * e0, v1 = ki * e1, v2 = ki * e2;
                if (!bumpless) {
                    v0 += kp0 * (e0 - lastErrorX);
                    v1 += kp1 * (e1 - lastErrorY);
                    v2 += kp2 * (e2 - lastErrorZ);
                }
                double a0 = c * (t0 * v0 + t1 * v1 + t2 * v2);
                double a1 = c * (t3 * v0 + t4 * v1 + t5 * v2);
                double a2 = c * (t6 * v0 + t7 * v1 + t8 * v2);
                // conditional integration: never push further into a saturated actuator
                if (r.sat0 != 0 && a0 * r.sat0 > 0) {
                    a0 = 0;
                }
                if (r.sat1 != 0 && a1 * r.sat1 > 0) {
                    a1 = 0;
                }
                if (r.sat2 != 0 && a2 * r.sat2 > 0) {
                    a2 = 0;
                }
                f.a0 = a0;
                f.a1 = a1;
                f.a2 = a2;
                double until = probeUntil;
                if (c < until) {
                    // persistent excitation at up to half the amplitude (the control law moves the actuators
                    // too), fading out as confidence rises towards probeUntil
                    probe(f, dt, 0.5 * (until - c) / (until - confidenceFloor));
                }
                publish(PairState.RUNNING, "");
            }
            chain.post(f, sampled, fence, chain.transform(f, sampled, fence, clock));
            bumpless = false;
            recordError(e0, e1, e2);
        }

        safety(f, dt, mask, !good && stalePolicy == PairSettings.StalePolicy.ZERO);
        apply(entry, f, fence);
        CYCLES.setRelease(this, cycle + 1);
        if (collector != null) {
            try {
                collector.collect(f);
            } catch (RuntimeException ex) {
                // the collector is Cascade's own; a failure there must not stop the loop
                adapterFaults++;
            }
        }
    }

    private boolean read(DomainAdapter adapter, long serviceId, Reading reading, Fence fence) {
        fence.enter(adapter, serviceId);
        try {
            adapter.read(reading);
        } catch (RuntimeException e) {
            adapterFaults++;
            reading.quality = Quality.BAD;
        }
        fence.exit();
        return reading.quality != Quality.BAD;
    }

    /** The increment the stale policy asks for, into the frame's adjustment. */
    private void stale(Frame f, double dt) {
        f.a0 = stale(out0, maxRate0, dt);
        f.a1 = stale(out1, maxRate1, dt);
        f.a2 = stale(out2, maxRate2, dt);
    }

    private double stale(double output, double maxRate, double dt) {
        return switch (stalePolicy) {
            case HOLD -> 0;
            case ZERO -> -output;
            case RAMP -> {
                double step = maxRate * dt;
                yield Double.isInfinite(step) ? -output : Math.max(-step, Math.min(step, -output));
            }
        };
    }

    /**
     * Safety in the core: a non-finite increment becomes 0 (counted), the rate limit bounds each increment,
     * the output clamps bound the sum of increments, masked axes get nothing.
     */
    private void safety(Frame f, double dt, int mask, boolean zeroing) {
        double a0 = safe(f.a0, (mask & 1) != 0, zeroing, maxRate0 * dt, out0, min0, max0);
        out0 += a0;
        f.a0 = a0;
        double a1 = safe(f.a1, (mask & 2) != 0, zeroing, maxRate1 * dt, out1, min1, max1);
        out1 += a1;
        f.a1 = a1;
        double a2 = safe(f.a2, (mask & 4) != 0, zeroing, maxRate2 * dt, out2, min2, max2);
        out2 += a2;
        f.a2 = a2;
    }

    /**
     * @return the increment on one axis that safety allows, to be added to its output
     * @param step the rate limit times the time step
     */
    private double safe(
            double a, boolean controlled, boolean zeroing, double step, double output, double min, double max) {
        if (!Double.isFinite(a)) {
            nonFinite++;
            a = 0;
        }
        if (!controlled) {
            a = 0;
        }
        if (!zeroing) {
            a = Math.max(-step, Math.min(step, a));
        }
        double next = output + a;
        if (next > max) {
            a = max - output;
        } else if (next < min) {
            a = min - output;
        }
        return a;
    }

    private void apply(Plan.Entry entry, Frame f, Fence fence) {
        double a0 = f.a0, a1 = f.a1, a2 = f.a2;
        DomainAdapter child = entry.child();
        if (child == null) {
            // the child is the parent of other pairs: shift their setpoints instead of its actuators (the
            // plan gives a child only when there are none, so the common cycle does not touch the array)
            for (PairRuntime pair : entry.cascade()) {
                pair.shift0 += a0;
                pair.shift1 += a1;
                pair.shift2 += a2;
            }
            return;
        }
        fence.enter(child, entry.childService());
        try {
            child.apply(a0, a1, a2);
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
    private void recordError(double e0, double e1, double e2) {
        double sq = e0 * e0 + e1 * e1 + e2 * e2;
        double alpha = rmsAlpha;
        meanSquared += alpha * (sq - meanSquared);
        meanWeight += alpha * (1 - meanWeight);
        integralAbsError += (Math.abs(e0) + Math.abs(e1) + Math.abs(e2)) * period;
        lastErrorX = e0;
        lastErrorY = e1;
        lastErrorZ = e2;
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

    /**
     * The tensor's confidence now, recomputed (a {@code Math.pow}) only when the tensor changed or a
     * thousandth of its half-life has passed: at that step the decay moves confidence by under 0.07%.
     */
    private double confidence(Tensor tensor, long nowMillis) {
        if (tensor != confidenceOf
                || nowMillis - confidenceMillis >= confidenceStepMillis
                || nowMillis < confidenceMillis) {
            if (tensor != confidenceOf) {
                confidenceOf = tensor;
                confidenceStepMillis = Math.max(1, tensor.halfLifeMillis() / 1000);
            }
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
        return switch (java.util.Objects.checkIndex(axis, 3)) {
            case 0 -> out0;
            case 1 -> out1;
            default -> out2;
        };
    }

    /** @return the setpoint shift from the pair above on {@code axis} (cascade) */
    double shift(int axis) {
        return switch (java.util.Objects.checkIndex(axis, 3)) {
            case 0 -> shift0;
            case 1 -> shift1;
            default -> shift2;
        };
    }
}
