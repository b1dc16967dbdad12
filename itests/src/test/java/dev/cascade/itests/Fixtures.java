package dev.cascade.itests;

import dev.cascade.api.domain.DomainAdapter;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * What an in-container test adds to the node, and takes away again: test plants registered as domains,
 * and configurations made through Config Admin as an operator makes them.
 */
final class Fixtures {

    private final BundleContext context;
    private final ConfigurationAdmin configurationAdmin;
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private final List<Configuration> configurations = new ArrayList<>();

    Fixtures(BundleContext context, ConfigurationAdmin configurationAdmin) {
        this.context = context;
        this.configurationAdmin = configurationAdmin;
    }

    /** Registers a {@link RealTimePlant} as the domains {@code parent} and {@code child}. */
    RealTimePlant plant(String parent, String child, double tau, double... g) {
        RealTimePlant plant = new RealTimePlant(tau, g);
        registrations.add(context.registerService(DomainAdapter.class, plant.parent, domain(parent)));
        registrations.add(context.registerService(DomainAdapter.class, plant.child, domain(child)));
        return plant;
    }

    private static Hashtable<String, Object> domain(String id) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(DomainAdapter.DOMAIN_ID, id);
        return p;
    }

    /** Creates (or replaces) the pair configuration {@code dev.cascade.pair~name}. */
    Configuration pair(String name, String... keyValues) throws Exception {
        return keep(configurationAdmin.getFactoryConfiguration("dev.cascade.pair", name, "?"), keyValues);
    }

    /** Sets the singleton configuration {@code pid}; it is deleted again by {@link #cleanUp}. */
    Configuration configure(String pid, String... keyValues) throws Exception {
        return keep(configurationAdmin.getConfiguration(pid, "?"), keyValues);
    }

    private Configuration keep(Configuration c, String... keyValues) throws Exception {
        Hashtable<String, Object> p = new Hashtable<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.put(keyValues[i], keyValues[i + 1]);
        }
        c.update(p);
        if (configurations.stream().noneMatch(kept -> kept.getPid().equals(c.getPid()))) {
            configurations.add(c);
        }
        return c;
    }

    /** Deletes a configuration now, as an operator removing its file would. */
    void delete(Configuration c) throws Exception {
        c.delete();
        configurations.removeIf(kept -> kept == c); // equals() of a deleted configuration throws
    }

    /** Deletes the configurations and unregisters the plants this test made. */
    void cleanUp() throws Exception {
        for (Configuration c : configurations) {
            c.delete();
        }
        configurations.clear();
        registrations.forEach(ServiceRegistration::unregister);
        registrations.clear();
    }
}
