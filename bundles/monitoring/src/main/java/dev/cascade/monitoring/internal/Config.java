package dev.cascade.monitoring.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of monitoring, PID {@code dev.cascade.monitoring} ({@code etc/dev.cascade.monitoring.cfg}). */
@ObjectClassDefinition(
        id = Config.PID,
        name = "Cascade monitoring",
        description = "The pairs' history and the Prometheus endpoint /cascade/metrics.")
@interface Config {

    String PID = "dev.cascade.monitoring";

    @AttributeDefinition(
            name = "Metrics open",
            description = "Serve /cascade/metrics without credentials. Off: HTTP Basic against the JAAS realm,"
                    + " and the user needs the role below.")
    boolean metrics_open() default false;

    @AttributeDefinition(name = "JAAS realm", description = "The JAAS realm that checks the credentials.")
    String metrics_realm() default "karaf";

    @AttributeDefinition(name = "Role", description = "The role a user needs to read /cascade/metrics.")
    String metrics_role() default "admin";

    @AttributeDefinition(
            name = "History",
            description = "Seconds of each pair's history kept, sampled every 250 ms (1 to 3600; about 320 bytes"
                    + " per pair and second).")
    int history_seconds() default 300;
}
