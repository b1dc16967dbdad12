/**
 * Online estimation of a pair's plant gain {@code G} and the tensor {@code T} derived from it, and the
 * update that carries them (with the estimator's state) to every node.
 */
@Export
@Version("1.1.0")
package dev.cascade.api.estimation;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
