package dev.cascade.core.internal;

import dev.cascade.api.Node;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Instant;
import java.util.regex.Pattern;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Version;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The node's identity, configured under the PID {@code dev.cascade.node} (etc/dev.cascade.node.cfg). */
@Component(service = Node.class, configurationPid = NodeIdentity.PID)
@Designate(ocd = NodeIdentity.Config.class)
public final class NodeIdentity implements Node {

    static final String PID = "dev.cascade.node";

    static final Pattern VALID_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    @ObjectClassDefinition(
            name = "Cascade node",
            description = "Identity of this Cascade node among the nodes that share a transport.")
    @interface Config {
        @AttributeDefinition(
                name = "Node id",
                description = "Unique among the nodes sharing a transport: 1 to 64 letters, digits, '.', '_'"
                        + " or '-', starting with a letter or digit. Empty means the host name.")
        String id() default "";
    }

    private final String id;
    private final String version;
    private final Instant startedAt;

    @Activate
    public NodeIdentity(Config config, BundleContext context) {
        this(config, describe(context.getBundle().getVersion()), Clock.systemUTC(), NodeIdentity::hostName);
    }

    NodeIdentity(Config config, String version, Clock clock, HostName hostName) {
        String configured = config.id().strip();
        this.id = configured.isEmpty() ? fromHostName(hostName.get()) : configured;
        if (!VALID_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("dev.cascade.node: id = '" + id + "' is not valid; use 1 to 64"
                    + " letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        this.version = version;
        this.startedAt = clock.instant();
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public Instant startedAt() {
        return startedAt;
    }

    /** Source of the host name, replaceable in tests. */
    interface HostName {
        String get();
    }

    static String describe(Version v) {
        String base = v.getMajor() + "." + v.getMinor() + "." + v.getMicro();
        return v.getQualifier().isEmpty() ? base : base + "-" + v.getQualifier();
    }

    /** A host name made into a valid id: the first label, other characters replaced by '-'. */
    static String fromHostName(String host) {
        String label = host == null ? "" : host.split("\\.", 2)[0];
        String cleaned = label.replaceAll("[^A-Za-z0-9._-]", "-");
        if (cleaned.isEmpty() || !Character.isLetterOrDigit(cleaned.charAt(0))) {
            cleaned = "node" + cleaned;
        }
        return cleaned.length() > 64 ? cleaned.substring(0, 64) : cleaned;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "node";
        }
    }
}
