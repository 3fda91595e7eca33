package io.jenkins.plugins.shortlivedkubeconfig.signer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Teleport trait template in a role's name list, e.g. {@code {{internal.kubernetes_groups}}} or
 * {@code team-{{external.team}}}. Expanded from the robot user's {@code spec.traits} (for local users Teleport reads
 * both namespaces from them); a trait the user lacks expands to nothing, so a template never reaches a certificate
 * as a literal name. Teleport's functions ({@code email.local}, {@code regexp.replace}, ...) are not supported.
 */
final class TraitTemplate {
    /** Trait names Teleport allows in the {@code internal} namespace. */
    static final Set<String> INTERNAL_TRAITS = Set.of("logins", "windows_logins", "kubernetes_groups",
            "kubernetes_users", "db_names", "db_users", "db_roles", "aws_role_arns", "azure_identities",
            "gcp_service_accounts", "jwt", "host_user_uid", "host_user_gid", "github_orgs", "spiffe");

    private static final Pattern SIMPLE = Pattern.compile(
            "^([^{}]*)\\{\\{\\s*(internal|external)\\.([A-Za-z0-9_.:/-]+)\\s*}}([^{}]*)$");
    private static final Pattern BRACKET = Pattern.compile(
            "^([^{}]*)\\{\\{\\s*(internal|external)\\[\"([^\"]+)\"]\\s*}}([^{}]*)$");

    private final String prefix;
    private final String namespace;
    private final String trait;
    private final String suffix;

    private TraitTemplate(String prefix, String namespace, String trait, String suffix) {
        this.prefix = prefix;
        this.namespace = namespace;
        this.trait = trait;
        this.suffix = suffix;
    }

    /** Whether the text is meant as a template (it has braces). */
    static boolean looksLikeTemplate(String text) {
        return text.contains("{{") || text.contains("}}");
    }

    /**
     * Parses a template.
     *
     * @throws IllegalArgumentException saying why the template is not supported
     */
    static TraitTemplate parse(String text) {
        Matcher m = SIMPLE.matcher(text);
        if (!m.matches()) {
            m = BRACKET.matcher(text);
        }
        if (!m.matches()) {
            throw new IllegalArgumentException(MessageText.quote(text) + " is not a supported trait template; write "
                    + "{{internal.NAME}} or {{external.NAME}}, optionally with literal text around it "
                    + "(Teleport's template functions such as email.local or regexp.replace are not supported)");
        }
        String namespace = m.group(2);
        String trait = m.group(3);
        if (namespace.equals("internal") && !INTERNAL_TRAITS.contains(trait)) {
            throw new IllegalArgumentException(MessageText.quote(text) + ": internal." + MessageText.printable(trait, 100) + " is not a Teleport "
                    + "internal trait; use external." + MessageText.printable(trait, 100) + " for a trait of your own");
        }
        // As Teleport does: white space before the prefix and after the suffix is not part of the names.
        return new TraitTemplate(m.group(1).stripLeading(), namespace, trait, m.group(4).stripTrailing());
    }

    /** The trait the template reads, e.g. {@code kubernetes_groups}. */
    String trait() {
        return trait;
    }

    /** The expanded names: one per trait value, prefix and suffix added; empty values dropped. */
    List<String> expand(Map<String, List<String>> traits) {
        List<String> values = traits.getOrDefault(trait, List.of());
        List<String> out = new ArrayList<>(values.size());
        for (String v : values) {
            if (!v.isEmpty()) {
                out.add(prefix + v + suffix);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return prefix + "{{" + namespace + "." + trait + "}}" + suffix;
    }
}
