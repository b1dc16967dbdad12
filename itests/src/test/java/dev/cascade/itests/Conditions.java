package dev.cascade.itests;

import java.time.Duration;
import java.util.function.Predicate;

/** Waiting on a condition with a deadline: the only way these tests wait. */
final class Conditions {

    /** A value source that may fail while the condition does not hold yet. */
    interface Probe<T> {
        T get() throws Exception;
    }

    private Conditions() {}

    /**
     * Polls {@code probe} until {@code accept} holds for its value, and returns that value.
     *
     * @throws AssertionError naming the condition and the last value or failure when the deadline passes
     */
    static <T> T await(String condition, Duration deadline, Probe<T> probe, Predicate<? super T> accept)
            throws InterruptedException {
        return await(condition, deadline, Duration.ofMillis(100), probe, accept);
    }

    /**
     * As {@link #await(String, Duration, Probe, Predicate)}, polling every {@code poll}: for a test that times
     * how soon the condition came true.
     */
    static <T> T await(String condition, Duration deadline, Duration poll, Probe<T> probe, Predicate<? super T> accept)
            throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        Object last = null;
        while (true) {
            try {
                T value = probe.get();
                if (accept.test(value)) {
                    return value;
                }
                last = value;
            } catch (Exception e) {
                last = e;
            }
            if (System.nanoTime() - end > 0) {
                throw new AssertionError(
                        "not true within " + deadline.toSeconds() + " s: " + condition + " (last seen: " + last + ")");
            }
            Thread.sleep(poll.toMillis());
        }
    }
}
