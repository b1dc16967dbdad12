/**
 * Cascade's public API. Tool authors compile against this bundle alone.
 *
 * <p>This package holds the node's identity; the sub-packages hold the contracts of the control loop
 * ({@code control}, {@code domain}), the tensor values ({@code tensor}), estimation ({@code estimation}),
 * the asynchronous network ({@code network}), market tools ({@code tools}) and monitoring
 * ({@code monitoring}).
 */
@Export
@Version("1.0.0")
package dev.cascade.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
