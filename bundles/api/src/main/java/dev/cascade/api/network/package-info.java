/** The asynchronous network between the loop and the optimizers: batches out, tensor updates in. */
@Export
@Version("1.1.0")
package dev.cascade.api.network;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
