package dev.cascade.shell.internal;

import dev.cascade.api.control.ControlLoop;
import dev.cascade.api.control.PairStatus;
import dev.cascade.api.tensor.Vector3;
import java.io.PrintStream;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/**
 * {@code cascade:setpoint ID X Y Z}: a new setpoint for a pair's parent, stored through Config Admin (so it
 * survives a restart) and taken by the pair without a bump.
 */
@Command(
        scope = "cascade",
        name = "setpoint",
        description = "Changes a pair's setpoint (stored through Config Admin, taken without a bump)")
@Service
public final class SetpointCommand implements Action {

    private static final String USAGE =
            "cascade:setpoint ID X Y Z takes three finite numbers, e.g." + " cascade:setpoint hall1 24 45 120";

    @Reference
    ControlLoop loop;

    @Argument(index = 0, name = "id", description = "The pair's id, as cascade:pairs lists it", required = true)
    @Completion(PairIds.class)
    String id;

    // one multi-valued argument rather than three, so a wrong count gets this command's own message
    @Argument(
            index = 1,
            name = "X Y Z",
            description = "The new setpoint, one number per axis of the parent",
            multiValued = true)
    List<String> values;

    /** How long to wait for the pair to show the new setpoint; Config Admin delivers it asynchronously. */
    long waitMillis = 5000;

    PrintStream out = System.out;

    @Override
    public Object execute() throws InterruptedException {
        Vector3 setpoint = parse(values);
        PairStatus before = PairIds.find(loop, id);
        loop.setpoint(id, setpoint);
        long end = System.nanoTime() + waitMillis * 1_000_000;
        PairStatus now = before;
        while (now.setpoint().equals(before.setpoint()) && !before.setpoint().equals(setpoint)) {
            if (System.nanoTime() - end > 0) {
                out.printf(
                        "%s: setpoint %s stored; the pair does not show it yet (cascade:pair %s)%n",
                        id, Text.vector(setpoint), id);
                return null;
            }
            Thread.sleep(20);
            now = PairIds.find(loop, id);
        }
        out.printf("%s: setpoint %s -> %s%n", id, Text.vector(before.setpoint()), Text.vector(now.setpoint()));
        return null;
    }

    /** @throws IllegalArgumentException naming the value that is wrong and what is expected */
    static Vector3 parse(List<String> values) {
        int count = values == null ? 0 : values.size();
        if (count != 3) {
            throw new IllegalArgumentException("got " + count + " value" + (count == 1 ? "" : "s")
                    + (count == 0 ? "" : " (" + String.join(" ", values) + ")") + "; " + USAGE);
        }
        double[] v = new double[3];
        String[] axes = {"X", "Y", "Z"};
        for (int i = 0; i < 3; i++) {
            String text = values.get(i).strip();
            try {
                v[i] = Double.parseDouble(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(axes[i] + " = '" + text + "' is not a number; " + USAGE);
            }
            if (!Double.isFinite(v[i])) {
                throw new IllegalArgumentException(axes[i] + " = " + text + " is not a finite number; " + USAGE);
            }
        }
        return new Vector3(v[0], v[1], v[2]);
    }
}
