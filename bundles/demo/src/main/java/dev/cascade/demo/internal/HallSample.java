package dev.cascade.demo.internal;

/**
 * One measured state of a hall, published whole by the simulation thread so that a reader never sees
 * the temperature of one step with the humidity of another.
 *
 * @param temperature inlet temperature in °C
 * @param humidity relative humidity in %
 * @param power cooling power in kW
 * @param epochMillis when it was measured
 */
record HallSample(double temperature, double humidity, double power, long epochMillis) {

    /** @return the value on hall axis 0, 1 or 2 */
    double get(int axis) {
        return switch (axis) {
            case 0 -> temperature;
            case 1 -> humidity;
            case 2 -> power;
            default -> throw new IndexOutOfBoundsException("axis " + axis + " is not 0, 1 or 2");
        };
    }
}
