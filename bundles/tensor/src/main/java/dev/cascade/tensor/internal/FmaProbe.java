package dev.cascade.tensor.internal;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;

/**
 * Asks HotSpot whether it compiles {@link Math#fma} to an FMA instruction: its {@code UseFMA} option,
 * true where the processor has FMA (and not switched off). Its own class, so that a framework that does
 * not give the bundle {@code com.sun.management} (the import is optional, see bnd.bnd) fails here, in a
 * caught {@link LinkageError}, and the fit takes the plain lanes.
 */
final class FmaProbe {

    private FmaProbe() {}

    /** @return true only if HotSpot reports {@code UseFMA=true}; false when it cannot be asked */
    static boolean fmaInstructions() {
        try {
            HotSpotDiagnosticMXBean hotSpot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            if (hotSpot == null) {
                return false;
            }
            VMOption option = hotSpot.getVMOption("UseFMA");
            return option != null && "true".equals(option.getValue());
        } catch (RuntimeException | LinkageError e) {
            // not HotSpot, no such option, no management module, or the package not wired
            return false;
        }
    }
}
