/**
 * Immutable 3-vector and 3x3 matrix values used at the edges of Cascade (updates, status, tools).
 * The control loop itself works on primitive frames and never allocates these per cycle.
 */
@Export
@Version("1.0.0")
package dev.cascade.api.tensor;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
