/** Monitoring: analysis hooks that tools contribute around processing and on a period. */
@Export
@Version("1.2.0")
package dev.cascade.api.monitoring;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
