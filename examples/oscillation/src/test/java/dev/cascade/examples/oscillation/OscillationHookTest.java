package dev.cascade.examples.oscillation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade.api.control.ControlLoop;
import dev.cascade.api.control.PairState;
import dev.cascade.api.control.PairStatus;
import dev.cascade.api.estimation.EstimatorSettings;
import dev.cascade.api.monitoring.Analysis;
import dev.cascade.api.monitoring.HookPhase;
import dev.cascade.api.tensor.Matrix3;
import dev.cascade.api.tensor.Vector3;
import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OscillationHookTest {

    private static OscillationHook.Config config(double windowSeconds, long periodMillis) {
        return new OscillationHook.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return OscillationHook.Config.class;
            }

            @Override
            public double[] band() {
                return new double[] {0.5, 0.5, 0.5};
            }

            @Override
            public int minCrossings() {
                return 6;
            }

            @Override
            public double windowSeconds() {
                return windowSeconds;
            }

            @Override
            public long cascade_hook_periodMs() {
                return periodMillis;
            }
        };
    }

    /** A control loop whose pairs the test sets. */
    static final class FakeLoop implements ControlLoop {
        volatile List<PairStatus> pairs = List.of();

        void set(long cycles, double... errorsX) {
            List<PairStatus> list = new ArrayList<>();
            for (int i = 0; i < errorsX.length; i++) {
                list.add(new PairStatus(
                        "p" + i,
                        "parent",
                        "child",
                        PairState.RUNNING,
                        "",
                        Vector3.ZERO,
                        new Vector3(errorsX[i], 0, 0),
                        1,
                        0,
                        cycles,
                        0,
                        0,
                        Vector3.ZERO,
                        0));
            }
            pairs = list;
        }

        @Override
        public List<PairStatus> pairs() {
            return pairs;
        }

        @Override
        public Optional<PairStatus> pair(String id) {
            return pairs.stream().filter(p -> p.id().equals(id)).findFirst();
        }

        @Override
        public void setpoint(String id, Vector3 setpoint) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<EstimatorSettings> estimatorSettings(String id) {
            return Optional.empty();
        }

        @Override
        public Optional<Matrix3> tensor(String id) {
            return Optional.empty();
        }
    }

    @Test
    void theOscillatingPairIsNamedAndTheSteadyOneIsNot() {
        FakeLoop loop = new FakeLoop();
        OscillationHook tool = new OscillationHook(loop, config(60, 100));
        for (int i = 0; i < 600; i++) {
            double t = i / 10.0;
            loop.set(i, 2 * Math.sin(2 * Math.PI * t / 5), 0.1);
            tool.sample(Math.round(t * 1000));
        }
        assertEquals(Set.of("p0"), tool.oscillating());
    }

    @Test
    void aPairThatStopsCyclingOrLeavesIsForgotten() {
        FakeLoop loop = new FakeLoop();
        OscillationHook tool = new OscillationHook(loop, config(10, 100));
        for (int i = 0; i < 300; i++) {
            loop.set(i, 2 * Math.sin(2 * Math.PI * i / 20.0));
            tool.sample(i * 100L);
        }
        assertEquals(Set.of("p0"), tool.oscillating());
        loop.set(300, 2); // then no new cycle: samples of the same cycle are not counted as new evidence
        for (int i = 301; i < 500; i++) {
            tool.sample(i * 100L);
        }
        assertEquals(Set.of("p0"), tool.oscillating(), "a pair that is not cycling keeps its last verdict");
        loop.pairs = List.of();
        tool.sample(50_000);
        assertEquals(Set.of(), tool.oscillating());
    }

    @Test
    void eachPeriodicCallSamplesAtTheCallsTime() {
        FakeLoop loop = new FakeLoop();
        OscillationHook hook = new OscillationHook(loop, config(10, 100));
        for (int i = 0; i < 300; i++) {
            loop.set(i, 2 * Math.sin(2 * Math.PI * i / 20.0));
            hook.analyse(new Analysis(HookPhase.PERIODIC, Optional.empty(), Optional.empty(), i * 100L));
        }
        assertEquals(Set.of("p0"), hook.oscillating());
    }

    @Test
    void badSettingsAreRejectedNamingTheValue() {
        String msg = assertThrows(
                        IllegalArgumentException.class, () -> new OscillationHook(new FakeLoop(), config(0, 100)))
                .getMessage();
        assertTrue(msg.contains("windowSeconds = 0.0"), msg);
        msg = assertThrows(IllegalArgumentException.class, () -> new OscillationHook(new FakeLoop(), config(10, 1)))
                .getMessage();
        assertTrue(msg.contains("cascade.hook.periodMs = 1"), msg);
    }
}
