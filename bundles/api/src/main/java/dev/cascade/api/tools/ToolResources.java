package dev.cascade.api.tools;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * The resource contract of a tool, declared on its component:
 *
 * <pre>
 * &#64;Component(property = Filter.STAGE + "=pre")
 * &#64;ToolResources(cpu = 0.02, heapMb = 4, maxCallMicros = 50)
 * public final class Smoother implements Filter { ... }
 * </pre>
 *
 * The tool manager admits a tool only if the node's remaining capacity covers its contract, then holds
 * it to it. A tool service without these properties gets the defaults below, which are deliberately
 * conservative. The same contract can be given as raw service properties named by the constants here.
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface ToolResources {

    /** Prefix of every contract property. */
    String PREFIX_ = "cascade.tool.";

    /** Service property (Double): share of one core. */
    String CPU = PREFIX_ + "cpu";

    /** Service property (Integer): heap budget in MiB. */
    String HEAP_MB = PREFIX_ + "heapMb";

    /** Service property (Integer): threads of the tool's own executor (0 = runs only in calls). */
    String THREADS = PREFIX_ + "threads";

    /** Service property (Double): maximum calls per second (0 = the pair's rate). */
    String MAX_CALL_RATE = PREFIX_ + "maxCallRate";

    /** Service property (Long): maximum time per in-loop call, in microseconds. */
    String MAX_CALL_MICROS = PREFIX_ + "maxCallMicros";

    /** @return share of one core the tool may use, in (0, 1] */
    double cpu() default 0.01;

    /** @return heap the tool may allocate and retain, in MiB */
    int heapMb() default 8;

    /** @return threads of the tool's own executor; 0 if it only runs when called */
    int threads() default 0;

    /**
     * @return maximum calls per second; 0 for the rate of the pairs it serves. For a filter the loop
     *     enforces it per pair: called at most that often, evenly spread, and skipped (the frame passing
     *     unchanged) on the cycles in between
     */
    double maxCallRate() default 0;

    /** @return maximum time of one call on the loop thread, in microseconds */
    long maxCallMicros() default 100;
}
