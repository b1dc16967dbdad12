package dev.cascade.monitoring.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade.api.control.PairState;
import dev.cascade.api.control.PairStatus;
import dev.cascade.api.monitoring.PairSample;
import dev.cascade.api.tensor.Vector3;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryTest {

    static PairStatus status(String id, double error) {
        return new PairStatus(
                id,
                "parent",
                "child",
                PairState.RUNNING,
                "",
                Vector3.ZERO,
                new Vector3(error, -error, 2 * error),
                0.5,
                1,
                10,
                0,
                error / 2,
                new Vector3(1, 2, 3),
                7);
    }

    @Test
    void keepsTheLastSamplesOldestFirst() {
        History history = new History(4);
        for (int t = 0; t < 10; t++) {
            history.sample(t, List.of(status("a", t)));
        }
        List<PairSample> samples = history.of("a");
        assertEquals(4, samples.size());
        for (int i = 0; i < 4; i++) {
            PairSample s = samples.get(i);
            assertEquals(6 + i, s.time());
            assertEquals(new Vector3(6 + i, -(6 + i), 2 * (6 + i)), s.error());
            assertEquals(new Vector3(1, 2, 3), s.adjustment());
            assertEquals(0.5, s.confidence());
            assertEquals((6 + i) / 2.0, s.rmsError());
        }
    }

    @Test
    void fewerSamplesThanCapacityAndPairsThatLeave() {
        History history = new History(100);
        history.sample(1, List.of(status("a", 1), status("b", 2)));
        history.sample(2, List.of(status("a", 3)));
        assertEquals(2, history.of("a").size());
        assertEquals(1, history.of("a").get(0).time());
        assertTrue(history.of("b").isEmpty(), "a pair no longer configured is forgotten");
        assertTrue(history.of("unknown").isEmpty());
    }

    @Test
    void capacityFromSecondsIsCheckedAndNamed() {
        assertEquals(1200, MonitorImpl.historyCapacity(300));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MonitorImpl.historyCapacity(0));
        assertTrue(e.getMessage().contains("history.seconds = 0"), e.getMessage());
    }
}
