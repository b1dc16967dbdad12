package dev.cascade.tensor.internal;

import java.util.Arrays;

/**
 * Turns a pair's measurements, one by one, into the rows of its ARX regression
 *
 * <pre>
 *   y(k+1) - y(k) - s(k) = A·y(k) + B·u(k-d) + c
 * </pre>
 *
 * where {@code y} is the parent's state, {@code u} the child's actuator setting, {@code d} the dead
 * time in cycles and {@code s(k)} the siblings' predicted contribution to the parent's change over the
 * cycle. Adjustments are increments (DESIGN.md 2a), so the actuator setting is rebuilt as their running
 * sum from the first measurement the pair saw; its unknown starting value only shifts the constant
 * {@code c}. The regressor is {@code φ = (u(k-d), y(k), 1)}, 7 entries.
 *
 * <p>A row needs two consecutive good measurements one cycle apart and the settings of the last
 * {@code d+2} cycles: a measurement of BAD quality or with a non-finite value breaks the chain of
 * parent states (its adjustment still counts, it was applied), and a gap of more than 1.5 cycles
 * between timestamps means adjustments were lost, so the setting history starts again.
 */
final class RegressionRows {

    final int deadTime;
    private final int capacity;
    /** The last {@code capacity} actuator settings, a ring; {@code head} is where the next one goes. */
    final double[] settings;

    int count;
    int head;
    final double[] setting = new double[3];
    final double[] lastY = new double[3];
    final double[] lastSibling = new double[3];
    boolean haveLastY;
    boolean haveLastTime;
    long lastTime;
    /** The largest absolute change of the lagged setting in the last row, for the excitation gate. */
    double laggedStep;

    RegressionRows(int deadTime) {
        this.deadTime = deadTime;
        this.capacity = deadTime + 2;
        this.settings = new double[capacity * 3];
    }

    /** Forgets everything, as a new instance would: for a fresh fit without allocating. */
    void clear() {
        breakChain();
        Arrays.fill(setting, 0);
        Arrays.fill(lastY, 0);
        Arrays.fill(lastSibling, 0);
        haveLastTime = false;
        lastTime = 0;
        laggedStep = 0;
    }

    /** Forgets the setting history and the last parent state (not the running setting). */
    void breakChain() {
        count = 0;
        head = 0;
        Arrays.fill(settings, 0);
        haveLastY = false;
    }

    /**
     * Takes the next measurement; if it completes a row, writes it.
     *
     * @param time milliseconds
     * @param y the parent's state
     * @param a the adjustment applied after this measurement
     * @param good false for a BAD-quality reading
     * @param sibling the siblings' predicted contribution to the parent's change over the coming cycle
     * @param maxGapMillis the largest time between consecutive measurements that still counts as one
     *     cycle
     * @param phi receives the regressor (7 entries)
     * @param dy receives the parent's change with the siblings' part taken off (3 entries)
     * @return true if {@code phi} and {@code dy} hold a new row
     */
    boolean next(
            long time,
            double[] y,
            double[] a,
            boolean good,
            double[] sibling,
            double maxGapMillis,
            double[] phi,
            double[] dy) {
        boolean contiguous = haveLastTime && time > lastTime && time - lastTime <= maxGapMillis;
        if (!contiguous && haveLastTime) {
            breakChain();
        }
        boolean yValid = good && Double.isFinite(y[0]) && Double.isFinite(y[1]) && Double.isFinite(y[2]);
        boolean row = false;
        if (contiguous && yValid && haveLastY && count >= capacity) {
            int lagged = slot(deadTime);
            int before = slot(deadTime + 1);
            laggedStep = 0;
            for (int i = 0; i < 3; i++) {
                double u = settings[3 * lagged + i];
                phi[i] = u;
                phi[3 + i] = lastY[i];
                dy[i] = y[i] - lastY[i] - lastSibling[i];
                laggedStep = Math.max(laggedStep, Math.abs(u - settings[3 * before + i]));
            }
            phi[6] = 1;
            row = true;
        }
        lastTime = time;
        haveLastTime = true;
        if (Double.isFinite(a[0]) && Double.isFinite(a[1]) && Double.isFinite(a[2])) {
            push(a);
        } else {
            // an unknown adjustment leaves the setting unknown: start its history again
            breakChain();
        }
        if (yValid) {
            for (int i = 0; i < 3; i++) {
                lastY[i] = y[i];
                lastSibling[i] = Double.isFinite(sibling[i]) ? sibling[i] : 0;
            }
            haveLastY = true;
        } else {
            haveLastY = false;
        }
        return row;
    }

    /** @return the ring slot of the setting {@code back} cycles before the newest one */
    private int slot(int back) {
        return Math.floorMod(head - 1 - back, capacity);
    }

    private void push(double[] a) {
        for (int i = 0; i < 3; i++) {
            setting[i] += a[i];
            settings[3 * head + i] = setting[i];
        }
        head = (head + 1) % capacity;
        if (count < capacity) {
            count++;
        }
    }
}
