package dev.cascade.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade.api.tools.ToolAllocation;
import dev.cascade.api.tools.ToolCapacity;
import dev.cascade.api.tools.ToolInfo;
import dev.cascade.api.tools.ToolManager;
import dev.cascade.api.tools.ToolState;
import dev.cascade.api.tools.ToolUsage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ToolCommandsTest {

    /** A tool manager that records what it was asked to do. */
    static final class Recording implements ToolManager {
        final List<String> calls = new ArrayList<>();
        ToolState state = ToolState.ACTIVE;

        @Override
        public ToolCapacity capacity() {
            return new ToolCapacity(new ToolAllocation(1, 256, 16, 0, 0), new ToolAllocation(0, 0, 0, 0, 0));
        }

        @Override
        public List<ToolInfo> tools() {
            return List.of(new ToolInfo(
                    "smoother",
                    "ex.bundle",
                    "Filter",
                    state,
                    state == ToolState.QUARANTINED ? "by operator" : "",
                    new ToolAllocation(0.05, 8, 0, 0, 100),
                    new ToolUsage(0.02, 2 * 1048576, 0, 10, 1, 12.5)));
        }

        @Override
        public void quarantine(String name, String reason) {
            calls.add("quarantine " + name);
            state = ToolState.QUARANTINED;
        }

        @Override
        public void quarantine(long serviceId, String reason) {
            calls.add("quarantine #" + serviceId);
        }

        @Override
        public void release(String name) {
            calls.add("release " + name);
            state = ToolState.ACTIVE;
        }

        @Override
        public void stop(String name) {
            calls.add("stop " + name);
        }

        @Override
        public void start(String name) {
            calls.add("start " + name);
        }

        @Override
        public boolean permits(long serviceId) {
            return true;
        }

        @Override
        public void fault(long serviceId, String what) {}

        @Override
        public AutoCloseable onChange(Runnable listener) {
            return () -> {};
        }
    }

    private static String capture(java.util.function.Consumer<PrintStream> run) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        run.accept(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void toolsTableShowsContractAgainstUse() {
        ToolsCommand command = new ToolsCommand();
        command.tools = new Recording();
        String table = capture(out -> {
            command.out = out;
            command.execute();
        });
        assertTrue(
                table.contains("smoother")
                        && table.contains("0.02/0.05")
                        && table.contains("2.0/8")
                        && table.contains("12.5/100"),
                table);
    }

    @Test
    void toolsJsonHasContractAndUsage() {
        ToolsCommand command = new ToolsCommand();
        command.tools = new Recording();
        command.json = true;
        String json = capture(out -> {
            command.out = out;
            command.execute();
        });
        assertTrue(json.contains("\"state\":\"ACTIVE\",\"reason\":\"\",\"cpu\":0.05"), json);
        assertTrue(json.contains("\"calls\":10,\"callMicros\":12.5,\"faults\":1"), json);
    }

    @Test
    void toolActsAndPrintsTheNewState() {
        Recording manager = new Recording();
        ToolCommand command = new ToolCommand();
        command.tools = manager;
        command.name = "smoother";
        command.action = "quarantine";
        String said = capture(out -> {
            command.out = out;
            command.execute();
        });
        assertEquals(List.of("quarantine smoother"), manager.calls);
        assertEquals("smoother: QUARANTINED (by operator)", said.strip());
        command.action = "dance";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, command::execute);
        assertTrue(e.getMessage().contains("'dance' is not known"));
    }
}
