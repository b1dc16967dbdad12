/**
 * Market tools: the resource contract a tool declares ({@link dev.cascade.api.tools.ToolResources}),
 * the lifecycle of a tool with work of its own ({@link dev.cascade.api.tools.Tool}), and the tool
 * manager that admits, accounts and constrains every tool.
 */
@Export
@Version("1.1.0")
package dev.cascade.api.tools;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
