package dev.cascade.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade.api.tensor.Vector3;
import java.util.List;
import org.junit.jupiter.api.Test;

class SetpointCommandTest {

    private final Fakes.Loop loop =
            new Fakes.Loop().with(Fakes.status("hall1", new Vector3(24, 45, 120), 0), Fakes.INITIAL);

    private String run(String id, String... values) throws Exception {
        SetpointCommand command = new SetpointCommand();
        command.loop = loop;
        command.id = id;
        command.values = values.length == 0 ? null : List.of(values);
        command.waitMillis = 200;
        return Fakes.capture(out -> {
            command.out = out;
            command.execute();
        });
    }

    @Test
    void setsThroughTheLoopAndShowsTheChange() throws Exception {
        assertEquals(
                "hall1: setpoint 24.00, 45.00, 120.0 -> 25.50, 45.00, -3.000",
                run("hall1", "25.5", "45", "-3").strip());
        assertEquals(List.of("setpoint hall1 Vector3[x=25.5, y=45.0, z=-3.0]"), loop.calls);
        assertEquals(new Vector3(25.5, 45, -3), loop.pair("hall1").orElseThrow().setpoint());
    }

    @Test
    void badValuesAreNamedAndNothingChanges() {
        assertMessage(
                "got 2 values (24 45); cascade:setpoint ID X Y Z takes three finite numbers", "hall1", "24", "45");
        assertMessage("got 0 values; cascade:setpoint ID X Y Z", "hall1");
        assertMessage("got 4 values (1 2 3 4)", "hall1", "1", "2", "3", "4");
        assertMessage("Y = 'warm' is not a number; cascade:setpoint ID X Y Z takes", "hall1", "24", "warm", "120");
        assertMessage("Z = NaN is not a finite number", "hall1", "24", "45", "NaN");
        assertMessage("X = -Infinity is not a finite number", "hall1", "-Infinity", "45", "1");
        assertMessage("no pair 'hall9'; known: hall1", "hall9", "24", "45", "120");
        assertTrue(loop.calls.isEmpty(), loop.calls.toString());
    }

    private void assertMessage(String expected, String id, String... values) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(id, values));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void saysSoWhenThePairDoesNotShowTheNewSetpointInTime() throws Exception {
        Fakes.Loop slow = new Fakes.Loop() {
            @Override
            public void setpoint(String id, Vector3 setpoint) {
                calls.add("setpoint " + id); // stored, not delivered yet
            }
        }.with(Fakes.status("hall1", new Vector3(24, 45, 120), 0), Fakes.INITIAL);
        SetpointCommand command = new SetpointCommand();
        command.loop = slow;
        command.id = "hall1";
        command.values = List.of("1", "2", "3");
        command.waitMillis = 50;
        String said = Fakes.capture(out -> {
            command.out = out;
            command.execute();
        });
        assertEquals(
                "hall1: setpoint 1.000, 2.000, 3.000 stored; the pair does not show it yet (cascade:pair hall1)",
                said.strip());
    }
}
