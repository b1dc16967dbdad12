/**
 * The control loop: pairs, the filter chain that tools plug into, and the measurement each cycle
 * records.
 */
@Export
@Version("1.2.0")
package dev.cascade.api.control;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
