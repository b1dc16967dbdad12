package dev.cascade.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cascade.api.tensor.Vector3;
import java.util.ArrayList;
import java.util.List;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.junit.jupiter.api.Test;

class CompletersTest {

    /** The command line {@code cascade:COMMAND PREFIX} with the cursor at its end. */
    private static CommandLine line(String command, String prefix) {
        String buffer = "cascade:" + command + " " + prefix;
        return new CommandLine() {
            @Override
            public int getCursorArgumentIndex() {
                return 1;
            }

            @Override
            public String getCursorArgument() {
                return prefix;
            }

            @Override
            public int getArgumentPosition() {
                return prefix.length();
            }

            @Override
            public String[] getArguments() {
                return new String[] {"cascade:" + command, prefix};
            }

            @Override
            public int getBufferPosition() {
                return buffer.length();
            }

            @Override
            public String getBuffer() {
                return buffer;
            }
        };
    }

    private static List<String> complete(Completer completer, String command, String prefix) {
        List<String> candidates = new ArrayList<>();
        completer.complete(null, line(command, prefix), candidates);
        return candidates.stream().map(String::strip).sorted().toList();
    }

    @Test
    void pairIdsCompleteFromTheLoop() {
        PairIds ids = new PairIds();
        ids.loop = new Fakes.Loop()
                .with(Fakes.status("hall1", Vector3.ZERO, 0), Fakes.INITIAL)
                .with(Fakes.status("hall2", Vector3.ZERO, 0), Fakes.INITIAL)
                .with(Fakes.status("floor3", Vector3.ZERO, 0), Fakes.INITIAL);
        assertEquals(List.of("hall1", "hall2"), complete(ids, "pair", "ha"));
        assertEquals(List.of("floor3"), complete(ids, "tensor", "f"));
        assertEquals(List.of("floor3", "hall1", "hall2"), complete(ids, "setpoint", ""));
        assertEquals(List.of(), complete(ids, "pair", "x"));
    }

    @Test
    void toolNamesCompleteFromTheToolManager() {
        ToolCommand.ToolNames names = new ToolCommand.ToolNames();
        names.tools = new ToolCommandsTest.Recording();
        assertEquals(List.of("smoother"), complete(names, "tool", "sm"));
        assertEquals(List.of(), complete(names, "tool", "x"));
    }
}
