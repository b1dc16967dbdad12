package dev.cascade.core.internal;

import dev.cascade.api.control.Filter;
import java.util.Map;
import java.util.regex.Pattern;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;

/**
 * Which pairs a filter applies to ({@link Filter#PAIRS}): every pair, a glob on the pair id
 * ({@code floor-*}), or an LDAP filter on the pair's id, parent and child ({@code (parent=hall-1)}).
 */
final class PairTarget {

    static final PairTarget ALL = new PairTarget(null, null);

    private final Pattern glob;
    private final org.osgi.framework.Filter ldap;

    private PairTarget(Pattern glob, org.osgi.framework.Filter ldap) {
        this.glob = glob;
        this.ldap = ldap;
    }

    /**
     * @param spec the property value; null or blank for all pairs
     * @throws IllegalArgumentException if an LDAP filter does not parse
     */
    static PairTarget parse(String spec) {
        if (spec == null || spec.isBlank()) {
            return ALL;
        }
        String s = spec.strip();
        if (s.startsWith("(")) {
            try {
                return new PairTarget(null, FrameworkUtil.createFilter(s));
            } catch (InvalidSyntaxException e) {
                throw new IllegalArgumentException(
                        Filter.PAIRS + " = '" + spec + "' is not a valid LDAP filter: " + e.getMessage());
            }
        }
        StringBuilder regex = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return new PairTarget(Pattern.compile(regex.toString()), null);
    }

    boolean matches(PairSettings pair) {
        if (glob != null) {
            return glob.matcher(pair.id()).matches();
        }
        if (ldap != null) {
            return ldap.matches(Map.of("id", pair.id(), "parent", pair.parent(), "child", pair.child()));
        }
        return true;
    }
}
