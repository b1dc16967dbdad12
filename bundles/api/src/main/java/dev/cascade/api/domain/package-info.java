/**
 * Domains: the controlled subsystems a pair links. A tool author reaches a real system by
 * registering a {@link dev.cascade.api.domain.DomainAdapter} service.
 */
@Export
@Version("1.0.0")
package dev.cascade.api.domain;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
