package dev.cascade.network.internal;

import dev.cascade.api.estimation.InputResponse;

/**
 * A sibling's {@link InputResponse} (from its latest published estimate) compiled to primitives, and run
 * over the sibling's {@link SettingHistory} to give what its siblings' folds take off the parent's change.
 *
 * <p>Each of the sibling's cycles {@code j} gives a contribution {@code s(j)} (the response run from the
 * oldest setting kept, where its filters start settled), and it goes to the one measurement {@code k} of
 * the folding pair whose window {@code [t_k - dt/2, t_k + dt/2)} holds the sibling cycle's time ({@code
 * dt} the folding pair's cycle): nearest in time, whole cycles, none counted twice, so the sum over a
 * stretch is the sibling's whole predicted contribution over it also when the two pairs run at different
 * rates. Past the sibling's newest cycle (its batch has not come yet) it is predicted with its setting
 * held, on its nominal cycle, for at most {@link SettingHistory#CAPACITY} cycles.
 */
final class SiblingModel {

    private final int deadTime;
    private final double[] direct;
    private final double[] poles;
    /** 9 per mode, row-major. */
    private final double[] gains;

    // scratch
    private final double[] z;
    private final double[] u = new double[3];

    SiblingModel(InputResponse response) {
        this.deadTime = response.deadTime();
        this.direct = response.direct().toRowMajor();
        int modes = response.modes().size();
        this.poles = new double[modes];
        this.gains = new double[9 * modes];
        this.z = new double[3 * modes];
        for (int m = 0; m < modes; m++) {
            InputResponse.Mode mode = response.modes().get(m);
            poles[m] = mode.pole();
            System.arraycopy(mode.gain().toRowMajor(), 0, gains, 9 * m, 9);
        }
    }

    /**
     * @return true when the sibling's known cycles reach past the window of the folding pair's
     *     measurement at {@code time}: nothing there is predicted
     */
    static boolean covers(SettingHistory history, double cycleMillis, long time, double halfWindow) {
        return history.size() > 0 && history.lastTime() + cycleMillis > time + halfWindow;
    }

    /**
     * Adds this sibling's contributions to {@code out}, 3 per measurement of the folding pair. Allocates
     * nothing.
     *
     * @param history the sibling's settings
     * @param cycleMillis the sibling's cycle time
     * @param times the folding pair's measurement times, {@code n} of them, in time order
     * @param halfWindow half the folding pair's cycle time, milliseconds
     */
    void addTo(SettingHistory history, double cycleMillis, long[] times, int n, double halfWindow, double[] out) {
        int count = history.size();
        if (count == 0 || n == 0) {
            return;
        }
        double from = times[0] - halfWindow;
        double to = times[n - 1] + halfWindow;
        int modes = poles.length;
        for (int m = 0; m < modes; m++) {
            for (int i = 0; i < 3; i++) {
                z[3 * m + i] = history.setting(0, i);
            }
        }
        long last = history.lastTime();
        int k = 0;
        for (int j = 0; ; j++) {
            double t;
            if (j < count) {
                t = history.time(j);
            } else if (j - count < SettingHistory.CAPACITY) {
                t = last + (j - count + 1) * cycleMillis; // predicted: the setting held
            } else {
                return;
            }
            if (t >= to) {
                return;
            }
            int source = Math.min(Math.max(j - deadTime, 0), count - 1);
            for (int i = 0; i < 3; i++) {
                u[i] = history.setting(source, i);
            }
            boolean inside = t >= from;
            if (inside) {
                while (k < n && t >= times[k] + halfWindow) {
                    k++;
                }
                inside = k < n && t >= times[k] - halfWindow;
            }
            for (int r = 0; r < 3; r++) {
                double s = direct[3 * r] * u[0] + direct[3 * r + 1] * u[1] + direct[3 * r + 2] * u[2];
                for (int m = 0; m < modes; m++) {
                    int g = 9 * m + 3 * r;
                    s += gains[g] * z[3 * m] + gains[g + 1] * z[3 * m + 1] + gains[g + 2] * z[3 * m + 2];
                }
                if (inside) {
                    out[3 * k + r] += s;
                }
            }
            for (int m = 0; m < modes; m++) {
                double p = poles[m];
                for (int i = 0; i < 3; i++) {
                    z[3 * m + i] = p * z[3 * m + i] + (1 - p) * u[i];
                }
            }
        }
    }
}
