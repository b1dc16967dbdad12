package dev.cascade.demo.internal;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One simulated data hall and its cooling units. Each of the nine channels of each unit (actuator to hall
 * axis) is a first-order lag with its own time constant and dead time, stepped with the exact
 * zero-order-hold discretisation {@code x <- a*x + (1-a)*g*u(t - deadTime)}, {@code a = exp(-dt/tau)},
 * so the result does not depend on the step size beyond the dead times' rounding to whole steps.
 *
 * <p>The hall's state is {@code offset + sum of all channels + IT-load drift + noise}. With {@code n}
 * units each unit has a gain of {@code G/n}, so the units together, moved alike, have the gain
 * {@code G} of {@link Plant}.
 *
 * <p>Threads: {@link #step(long)} runs on one thread only (the simulation's, or a test's). The units'
 * {@link Actuators} are written by the loop thread and {@link #sample()} is read by it; both are safe to
 * share without locks.
 */
final class HallModel {

    private static final int CHANNELS = Plant.AXES * Plant.AXES;

    private final double dt;
    private final double[] offset = Plant.offset();
    private final double[] nominalGain;
    private final double[] changedGain;
    private final double[] decay = new double[CHANNELS];
    private final int[] delaySteps = new int[CHANNELS];
    private final Actuators[] units;
    /** Per unit, the nine channel outputs. */
    private final double[][] channels;
    /** Per unit and actuator, the settings of the last steps, newest at {@link #head}: the dead times. */
    private final double[][][] history;

    private final double[] noiseSd = new double[Plant.AXES];
    private final SplittableRandom random;
    private final double loadAmplitudeKw;
    private final double loadAngularFrequency;
    private final boolean gainChange;
    private final long gainChangeStep;

    private int head;
    private long steps;
    private volatile HallSample sample;

    /**
     * @param seed seed of the measurement noise
     * @param startMillis the time stamp of the initial state, so it does not look decades stale
     */
    HallModel(Settings settings, long seed, long startMillis) {
        this.dt = settings.stepSeconds();
        int count = settings.unitsPerHall();
        this.nominalGain = scaled(Plant.NOMINAL_GAIN, 1.0 / count);
        this.changedGain = scaled(Plant.changedGain(settings.valveAuthorityAfterChange()), 1.0 / count);
        int longestDelay = 0;
        for (int k = 0; k < CHANNELS; k++) {
            decay[k] = Math.exp(-dt / Plant.TIME_CONSTANTS[k]);
            delaySteps[k] = (int) Math.round(Plant.DEAD_TIMES[k] / dt);
            longestDelay = Math.max(longestDelay, delaySteps[k]);
        }
        this.units = new Actuators[count];
        this.channels = new double[count][CHANNELS];
        this.history = new double[count][Plant.AXES][longestDelay + 1];
        for (int u = 0; u < count; u++) {
            units[u] = new Actuators(Plant.INITIAL_SETTINGS);
            // start in steady state at the initial settings, as a hall that has been running a while
            for (int k = 0; k < CHANNELS; k++) {
                channels[u][k] = nominalGain[k] * Plant.INITIAL_SETTINGS[k % Plant.AXES];
            }
            for (int a = 0; a < Plant.AXES; a++) {
                Arrays.fill(history[u][a], Plant.INITIAL_SETTINGS[a]);
            }
        }
        for (int axis = 0; axis < Plant.AXES; axis++) {
            noiseSd[axis] = Plant.NOISE_SD[axis] * settings.noiseScale();
        }
        this.random = new SplittableRandom(seed);
        this.loadAmplitudeKw = settings.disturbanceAmplitudeKw();
        this.loadAngularFrequency = 2 * Math.PI / settings.disturbancePeriodSeconds();
        this.gainChange = settings.gainChange();
        this.gainChangeStep = Math.round(settings.gainChangeAfterSeconds() / dt);
        this.sample = measure(startMillis);
    }

    /** Advances the hall by one time step and publishes the new measured state stamped {@code epochMillis}. */
    void step(long epochMillis) {
        double[] gain = gainChanged() ? changedGain : nominalGain;
        head = (head + 1) % history[0][0].length;
        for (int u = 0; u < units.length; u++) {
            for (int a = 0; a < Plant.AXES; a++) {
                history[u][a][head] = units[u].get(a);
            }
            double[] x = channels[u];
            for (int k = 0; k < CHANNELS; k++) {
                double input = delayed(u, k % Plant.AXES, delaySteps[k]);
                x[k] = decay[k] * x[k] + (1 - decay[k]) * gain[k] * input;
            }
        }
        steps++;
        sample = measure(epochMillis);
    }

    /** @return the latest measured state; safe from any thread */
    HallSample sample() {
        return sample;
    }

    /** @return the cooling unit {@code index} (0-based) */
    Actuators unit(int index) {
        return units[index];
    }

    /** @return the number of cooling units */
    int unitCount() {
        return units.length;
    }

    /** @return the time step in seconds */
    double stepSeconds() {
        return dt;
    }

    /** @return simulated seconds since the start */
    double seconds() {
        return steps * dt;
    }

    /** @return whether the plant runs on the changed gain now */
    boolean gainChanged() {
        return gainChange && steps >= gainChangeStep;
    }

    /** @return the IT load's deviation from nominal, in kW, now */
    double loadKw() {
        return loadAmplitudeKw * Math.sin(loadAngularFrequency * seconds());
    }

    private double delayed(int unit, int actuator, int delay) {
        double[] past = history[unit][actuator];
        int index = head - delay;
        return past[index < 0 ? index + past.length : index];
    }

    private HallSample measure(long epochMillis) {
        double load = loadKw();
        return new HallSample(
                axis(0, load) + noiseSd[0] * random.nextGaussian(),
                axis(1, load) + noiseSd[1] * random.nextGaussian(),
                axis(2, load) + noiseSd[2] * random.nextGaussian(),
                epochMillis);
    }

    private double axis(int row, double load) {
        double value = offset[row] + Plant.LOAD_EFFECT[row] * load;
        for (double[] x : channels) {
            value += x[row * Plant.AXES] + x[row * Plant.AXES + 1] + x[row * Plant.AXES + 2];
        }
        return value;
    }

    private static double[] scaled(double[] m, double factor) {
        double[] out = new double[m.length];
        for (int k = 0; k < m.length; k++) {
            out[k] = m[k] * factor;
        }
        return out;
    }
}
