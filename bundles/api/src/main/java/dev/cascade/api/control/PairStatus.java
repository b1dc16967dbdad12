package dev.cascade.api.control;

import dev.cascade.api.tensor.Vector3;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A snapshot of one pair, for operators and tools.
 *
 * @param id the pair id
 * @param parent the parent domain id
 * @param child the child domain id
 * @param state the lifecycle state
 * @param reason why the pair is in that state (empty when running normally)
 * @param setpoint the parent's setpoint
 * @param error the latest error
 * @param confidence confidence of the tensor in use, in [0, 1]
 * @param tensorVersion version of the tensor in use (0 = the configured initial tensor)
 * @param cycles cycles run
 * @param missedDeadlines cycle slots missed because the loop was late by a whole period or more
 * @param rmsError RMS of the error norm over about the last ten seconds (an exponential window with a
 *     10 s time constant; NaN before the first cycle)
 * @param adjustment the adjustment applied to the child since the pair started: the sum of its increments,
 *     the output the clamps bound
 * @param integralAbsError the integral over time of the error's absolute values, summed over the axes, since
 *     the pair started (the error's unit times seconds)
 */
@ProviderType
public record PairStatus(
        String id,
        String parent,
        String child,
        PairState state,
        String reason,
        Vector3 setpoint,
        Vector3 error,
        double confidence,
        long tensorVersion,
        long cycles,
        long missedDeadlines,
        double rmsError,
        Vector3 adjustment,
        double integralAbsError) {}
