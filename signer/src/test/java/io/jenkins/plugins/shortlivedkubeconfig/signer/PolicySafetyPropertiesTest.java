package io.jenkins.plugins.shortlivedkubeconfig.signer;

import static org.assertj.core.api.Assertions.assertThat;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * For random policies and requests, what {@link Issuer} grants is checked against a model written independently
 * of {@link PolicyParser} and {@link RobotPolicy}: the certificate's groups are exactly the union of the allowed
 * groups minus every denied one (so never more); its lifetime is above no bound (the request, every role's
 * {@code max_session_ttl} or the 30h default, the CA's expiry, the user's {@code metadata.expires}); a job outside
 * the user's patterns never gets a certificate; and (so that the checks are not vacuous) whatever the model allows
 * is issued.
 */
class PolicySafetyPropertiesTest {
    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final CertificateAuthority LONG_CA;
    static final CertificateAuthority SHORT_CA;
    static final PublicKey CLIENT_KEY;

    static {
        try {
            LONG_CA = CertificateAuthority.generate("long", Duration.ofDays(365), KeyAlgorithm.EC_P256, CLOCK);
            SHORT_CA = CertificateAuthority.generate("short", Duration.ofHours(5), KeyAlgorithm.EC_P256, CLOCK);
            KeyPair pair = KeyAlgorithm.EC_P256.generate(new java.security.SecureRandom());
            CLIENT_KEY = pair.getPublic();
        } catch (InvalidInputException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // ---- the model ---------------------------------------------------------------------------------------------

    record RoleModel(String name, List<String> allowGroups, List<String> allowUsers, List<String> denyGroups,
                     List<String> denyUsers, @CheckForNull String maxTtl) { }

    record UserModel(String name, List<String> roles, Map<String, List<String>> traits, @CheckForNull Instant expires) { }

    record BindingModel(String name, List<String> users, List<String> jobs) { }

    record PolicyModel(List<RoleModel> roles, List<UserModel> users, List<BindingModel> bindings) {
        String yaml() {
            StringBuilder y = new StringBuilder();
            for (RoleModel r : roles) {
                y.append("kind: role\nversion: v7\nmetadata:\n  name: ").append(q(r.name())).append("\nspec:\n");
                y.append("  allow:\n    kubernetes_groups: ").append(list(r.allowGroups()))
                        .append("\n    kubernetes_users: ").append(list(r.allowUsers())).append('\n');
                y.append("  deny:\n    kubernetes_groups: ").append(list(r.denyGroups()))
                        .append("\n    kubernetes_users: ").append(list(r.denyUsers())).append('\n');
                if (r.maxTtl() != null) {
                    y.append("  options:\n    max_session_ttl: ").append(q(r.maxTtl())).append('\n');
                }
                y.append("---\n");
            }
            for (UserModel u : users) {
                y.append("kind: user\nversion: v2\nmetadata:\n  name: ").append(q(u.name())).append('\n');
                if (u.expires() != null) {
                    y.append("  expires: ").append(q(u.expires().toString())).append('\n');
                }
                y.append("spec:\n  roles: ").append(list(u.roles())).append("\n  traits:\n");
                u.traits().forEach((k, v) -> y.append("    ").append(k).append(": ").append(list(v)).append('\n'));
                y.append("---\n");
            }
            for (BindingModel b : bindings) {
                y.append("kind: job_binding\nversion: v1\nmetadata:\n  name: ").append(q(b.name()))
                        .append("\nspec:\n  users: ").append(list(b.users())).append("\n  jobs: ")
                        .append(list(b.jobs())).append("\n---\n");
            }
            return y.toString();
        }

        private static String q(String s) {
            return GeneratedYaml.doubleQuoted(s);
        }

        private static String list(List<String> items) {
            return items.stream().map(PolicyModel::q).collect(java.util.stream.Collectors.joining(", ", "[", "]"));
        }
    }

    record Request(String robotUser, @CheckForNull String kubeUser, Duration ttl, @CheckForNull String job,
                   boolean shortCa) { }

    /** Trait templates expanded the way the README describes, written without TraitTemplate. */
    static Set<String> expand(List<String> names, UserModel user) {
        Set<String> out = new TreeSet<>();
        for (String n : names) {
            int open = n.indexOf("{{");
            if (open < 0) {
                out.add(n);
                continue;
            }
            int close = n.indexOf("}}");
            String inner = n.substring(open + 2, close).strip();
            String trait = inner.substring(inner.indexOf('.') + 1);
            for (String v : user.traits().getOrDefault(trait, List.of())) {
                if (!v.isEmpty()) {
                    out.add(n.substring(0, open) + v + n.substring(close + 2));
                }
            }
        }
        return out;
    }

    record Expected(Set<String> groups, Set<String> kubeUsers, Duration maxTtl, List<String> patterns,
                    Set<String> deniedUsers) { }

    static Expected expected(PolicyModel model, UserModel user) {
        Set<String> allowGroups = new TreeSet<>();
        Set<String> denyGroups = new TreeSet<>();
        Set<String> allowUsers = new TreeSet<>();
        Set<String> denyUsers = new TreeSet<>();
        Duration max = null;
        for (String roleName : user.roles()) {
            RoleModel role = model.roles().stream().filter(r -> r.name().equals(roleName)).findFirst().orElseThrow();
            allowGroups.addAll(expand(role.allowGroups(), user));
            denyGroups.addAll(expand(role.denyGroups(), user));
            allowUsers.addAll(expand(role.allowUsers(), user));
            denyUsers.addAll(expand(role.denyUsers(), user));
            Duration roleMax = roleMax(role.maxTtl());
            if (roleMax != null && (max == null || roleMax.compareTo(max) < 0)) {
                max = roleMax;
            }
        }
        Set<String> groups = denyGroups.contains("*") ? Set.of() : minus(allowGroups, denyGroups);
        Set<String> kubeUsers = denyUsers.contains("*") ? Set.of() : minus(allowUsers, denyUsers);
        List<String> patterns = new ArrayList<>();
        for (BindingModel b : model.bindings()) {
            if (b.users().contains(user.name())) {
                patterns.addAll(b.jobs());
            }
        }
        return new Expected(groups, kubeUsers, max == null ? Duration.ofHours(30) : max, patterns, denyUsers);
    }

    static Set<String> minus(Set<String> a, Set<String> b) {
        Set<String> out = new TreeSet<>(a);
        out.removeAll(b);
        return out;
    }

    static Duration roleMax(@CheckForNull String text) {
        if (text == null || text.equals("never")) {
            return null;
        }
        return switch (text) {
            case "1m" -> Duration.ofMinutes(1);
            case "30m" -> Duration.ofMinutes(30);
            case "90m" -> Duration.ofMinutes(90);
            case "1h" -> Duration.ofHours(1);
            case "2h30m" -> Duration.ofMinutes(150);
            case "8h" -> Duration.ofHours(8);
            case "1d" -> Duration.ofHours(24);
            case "2d" -> Duration.ofHours(48);
            case "45h" -> Duration.ofHours(45);
            default -> throw new IllegalArgumentException(text);
        };
    }

    /** Globs over job full names, segment by segment, matched recursively (not with a regular expression). */
    static boolean globMatches(String glob, String job) {
        return segments(glob.split("/", -1), 0, job.split("/", -1), 0);
    }

    private static boolean segments(String[] pat, int i, String[] job, int j) {
        if (i == pat.length) {
            return j == job.length;
        }
        if (pat[i].equals("**")) {
            for (int k = j; k <= job.length; k++) {
                if (segments(pat, i + 1, job, k)) {
                    return true;
                }
            }
            return false;
        }
        return j < job.length && segment(pat[i], 0, job[j], 0) && segments(pat, i + 1, job, j + 1);
    }

    private static boolean segment(String p, int i, String s, int j) {
        if (i == p.length()) {
            return j == s.length();
        }
        char c = p.charAt(i);
        if (c == '*') {
            for (int k = j; k <= s.length(); k++) {
                if (segment(p, i + 1, s, k)) {
                    return true;
                }
            }
            return false;
        }
        return j < s.length() && (c == '?' || c == s.charAt(j)) && segment(p, i + 1, s, j + 1);
    }

    // ---- the property ------------------------------------------------------------------------------------------

    @Property(tries = 3_000)
    void issuesNoMoreThanThePolicyAllows(@ForAll("policies") PolicyModel model, @ForAll("requests") Request request)
            throws Exception {
        RobotPolicy policy;
        try {
            policy = new PolicyParser().parse(model.yaml(), "random.yaml");
        } catch (PolicyException e) {
            throw new AssertionError("a valid policy was refused: " + e.problems() + "\n" + model.yaml(), e);
        }
        List<AuditEvent> audit = Collections.synchronizedList(new ArrayList<>());
        CertificateAuthority ca = request.shortCa() ? SHORT_CA : LONG_CA;
        Issuer issuer = new Issuer(ca, policy, CLOCK, audit::add);
        IssueRequest issue = IssueRequest.of(request.robotUser(), request.ttl(),
                        ClusterEndpoint.of("c", "https://127.0.0.1:6443", null, null, null))
                .withKubernetesUser(request.kubeUser())
                .withRequester(request.job() == null ? null : new Requester(request.job(), 7));
        X509Certificate cert = null;
        SignerException refusal = null;
        try {
            cert = issuer.issueCertificate(issue, CLIENT_KEY);
        } catch (PolicyRefusal | InvalidInputException e) {
            refusal = e;
        }
        assertThat(audit).as("one audit record per request").hasSize(1);

        UserModel user = model.users().stream().filter(u -> u.name().equals(request.robotUser())).findFirst().orElse(null);
        String allowedBecause = allowed(model, user, request, ca);
        if (cert == null) {
            assertThat(audit.get(0).outcome()).isEqualTo(AuditEvent.Outcome.REFUSED);
            assertThat(allowedBecause).as("refused (%s) what the model allows\n%s", refusal.getMessage(), model.yaml())
                    .isNotNull();
            return;
        }
        assertThat(allowedBecause).as("issued what the model refuses\n%s", model.yaml()).isNull();
        assertThat(audit.get(0).outcome()).isEqualTo(AuditEvent.Outcome.ISSUED);
        assertThat(audit.get(0).serialHex()).isEqualTo(cert.getSerialNumber().toString(16));
        Expected expected = expected(model, user);

        // groups: exactly the allowed ones minus every denied one, never a template or a wildcard
        List<String> groups = new ArrayList<>();
        String cn = null;
        for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
            if (rdn.getType().equalsIgnoreCase("O")) {
                groups.add(String.valueOf(rdn.getValue()));
            } else if (rdn.getType().equalsIgnoreCase("CN")) {
                cn = String.valueOf(rdn.getValue());
            }
        }
        assertThat(expected.groups()).as("groups issued").containsAll(groups);
        assertThat(new TreeSet<>(groups)).isEqualTo(expected.groups());
        assertThat(groups).noneMatch(g -> g.contains("{{") || g.contains("*"));

        // the Kubernetes user
        if (request.kubeUser() != null) {
            assertThat(cn).isEqualTo(request.kubeUser());
        }
        assertThat(expected.kubeUsers().isEmpty() ? Set.of(user.name()) : expected.kubeUsers()).contains(cn);

        // the lifetime: no bound exceeded
        Instant notAfter = cert.getNotAfter().toInstant();
        Duration lifetime = Duration.between(NOW, notAfter);
        assertThat(lifetime).isLessThanOrEqualTo(request.ttl());
        assertThat(lifetime).isLessThanOrEqualTo(expected.maxTtl());
        assertThat(notAfter).isBeforeOrEqualTo(ca.notAfter());
        if (user.expires() != null) {
            assertThat(notAfter).isBeforeOrEqualTo(user.expires());
        }
        assertThat(Duration.between(cert.getNotBefore().toInstant(), notAfter))
                .isLessThanOrEqualTo(request.ttl().plus(CertificateProfile.CLOCK_SKEW));

        // the job
        if (request.job() != null) {
            assertThat(expected.patterns()).as("patterns for job %s", request.job())
                    .anyMatch(p -> globMatches(p, request.job()));
        }
        cert.verify(ca.certificate().getPublicKey());
    }

    /** Null when the model allows the request, else why not (for messages). */
    static String allowed(PolicyModel model, @CheckForNull UserModel user, Request request, CertificateAuthority ca) {
        if (user == null) {
            return "unknown user";
        }
        Expected e = expected(model, user);
        if (request.job() != null && e.patterns().stream().noneMatch(p -> globMatches(p, request.job()))) {
            return "job outside the patterns";
        }
        if (e.groups().isEmpty() && e.kubeUsers().isEmpty()) {
            return "no access";
        }
        if (request.kubeUser() != null) {
            if (e.kubeUsers().isEmpty() ? !request.kubeUser().equals(user.name()) : !e.kubeUsers().contains(request.kubeUser())) {
                return "kubernetes user not allowed";
            }
        } else if (e.kubeUsers().size() > 1) {
            return "kubernetes user ambiguous";
        }
        // Deny wins for the CN too: the fallback (the robot user's own name) is no exception.
        String cn = request.kubeUser() != null ? request.kubeUser()
                : e.kubeUsers().isEmpty() ? user.name() : e.kubeUsers().iterator().next();
        if (e.deniedUsers().contains("*") || e.deniedUsers().contains(cn)) {
            return "kubernetes user denied";
        }
        if (request.ttl().compareTo(Duration.ofMinutes(1)) < 0) {
            return "ttl below the minimum";
        }
        if (request.ttl().compareTo(e.maxTtl()) > 0) {
            return "ttl above the role maximum";
        }
        Instant notAfter = NOW.plus(request.ttl());
        if (notAfter.isAfter(ca.notAfter())) {
            return "beyond the CA";
        }
        if (user.expires() != null && notAfter.isAfter(user.expires())) {
            return "beyond the user's expiry";
        }
        return null;
    }

    // ---- generators --------------------------------------------------------------------------------------------

    static final List<String> GROUPS = List.of("system:masters", "dev", "ops", "view", "team-blue", "a");
    static final List<String> GROUP_TEMPLATES = List.of("{{internal.kubernetes_groups}}", "team-{{external.team}}",
            "{{external.team}}-x", "{{internal.kubernetes_users}}", "{{ external.team }}");
    static final List<String> KUBE_USERS = List.of("alice", "bob", "ci");
    static final List<String> KUBE_USER_TEMPLATES = List.of("{{internal.kubernetes_users}}", "{{external.team}}");
    static final List<String> JOB_SEGMENTS = List.of("deploy", "api", "main", "a", "ab", "PR-1", "x-1", "b");
    static final List<String> ANCHOR_SEGMENTS = List.of("deploy", "api", "a", "b");
    static final List<String> PATTERN_SEGMENTS = List.of("deploy", "api", "main", "*", "?", "**", "a*", "*-1", "PR-?", "a?", "b");

    static Arbitrary<List<String>> names(List<String> plain, List<String> templates, boolean deny) {
        List<String> pool = new ArrayList<>(plain);
        pool.addAll(templates);
        if (deny) {
            pool.add("*");
        }
        return Arbitraries.of(pool).list().uniqueElements().ofMaxSize(deny ? 2 : 4);
    }

    /** A job pattern a policy accepts: its first segment is a literal name (wildcards after it). */
    static Arbitrary<String> pattern() {
        return Combinators.combine(Arbitraries.of(ANCHOR_SEGMENTS),
                Arbitraries.of(PATTERN_SEGMENTS).list().ofMinSize(0).ofMaxSize(2))
                .as((anchor, rest) -> rest.isEmpty() ? anchor : anchor + "/" + String.join("/", rest));
    }

    @Provide
    Arbitrary<PolicyModel> policies() {
        Arbitrary<String> maxTtl = Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.just(null)),
                Tuple.of(6, Arbitraries.of("1m", "30m", "90m", "1h", "2h30m", "8h", "1d", "2d", "never", "45h")));
        Arbitrary<RoleModel> role = Combinators.combine(names(GROUPS, GROUP_TEMPLATES, false),
                names(KUBE_USERS, KUBE_USER_TEMPLATES, false), names(GROUPS, GROUP_TEMPLATES, true),
                names(KUBE_USERS, KUBE_USER_TEMPLATES, true), maxTtl)
                .as((ag, au, dg, du, max) -> new RoleModel("", ag, au, dg, du, max));
        Arbitrary<Map<String, List<String>>> traits = Combinators.combine(
                Arbitraries.of("dev", "ops", "system:masters", "x", "").list().uniqueElements().ofMaxSize(3),
                Arbitraries.of("alice", "carol").list().uniqueElements().ofMaxSize(2),
                Arbitraries.of("blue", "red").list().uniqueElements().ofMaxSize(2)).as((g, u, t) -> {
                    Map<String, List<String>> m = new LinkedHashMap<>();
                    m.put("kubernetes_groups", g);
                    m.put("kubernetes_users", u);
                    m.put("team", t);
                    return m;
                });
        Arbitrary<Instant> expires = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(null)),
                Tuple.of(2, Arbitraries.of(-1L, 30L, 120L, 600L, 6_000L).map(m -> NOW.plus(Duration.ofMinutes(m)))));
        return Combinators.combine(role.list().ofMinSize(1).ofMaxSize(3),
                Combinators.combine(Arbitraries.integers().between(0, 7).list().ofMinSize(1).ofMaxSize(3), traits.list()
                        .ofSize(3), expires.list().ofSize(3)).as((masks, t, e) -> List.of(masks, t, e)),
                Combinators.combine(Arbitraries.integers().between(0, 7), pattern().list().ofMinSize(1).ofMaxSize(3))
                        .as((users, jobs) -> Map.entry(users, jobs)).list().ofMaxSize(2))
                .as((roles, userParts, bindingParts) -> build(roles, userParts, bindingParts));
    }

    @SuppressWarnings("unchecked")
    static PolicyModel build(List<RoleModel> rolesIn, List<?> userParts, List<Map.Entry<Integer, List<String>>> bindingParts) {
        List<RoleModel> roles = new ArrayList<>();
        for (int i = 0; i < rolesIn.size(); i++) {
            RoleModel r = rolesIn.get(i);
            roles.add(new RoleModel("r" + i, r.allowGroups(), r.allowUsers(), r.denyGroups(), r.denyUsers(), r.maxTtl()));
        }
        List<Integer> masks = (List<Integer>) userParts.get(0);
        List<Map<String, List<String>>> traits = (List<Map<String, List<String>>>) userParts.get(1);
        List<Instant> expires = (List<Instant>) userParts.get(2);
        List<UserModel> users = new ArrayList<>();
        for (int i = 0; i < masks.size(); i++) {
            List<String> held = new ArrayList<>();
            for (int r = 0; r < roles.size(); r++) {
                if ((masks.get(i) & (1 << r)) != 0) {
                    held.add("r" + r);
                }
            }
            users.add(new UserModel("u" + i, held, traits.get(i), expires.get(i)));
        }
        List<BindingModel> bindings = new ArrayList<>();
        for (int b = 0; b < bindingParts.size(); b++) {
            List<String> bound = new ArrayList<>();
            for (int u = 0; u < users.size(); u++) {
                if ((bindingParts.get(b).getKey() & (1 << u)) != 0) {
                    bound.add("u" + u);
                }
            }
            if (!bound.isEmpty()) {
                bindings.add(new BindingModel("b" + b, bound, bindingParts.get(b).getValue()));
            }
        }
        return new PolicyModel(roles, users, bindings);
    }

    @Provide
    Arbitrary<Request> requests() {
        Arbitrary<String> kubeUser = Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just(null)),
                Tuple.of(4, Arbitraries.of("alice", "bob", "ci", "carol", "u0", "u1", "dev", "blue")));
        Arbitrary<Duration> ttl = Arbitraries.of("30s", "1m", "59m", "1h", "90m", "2h", "5h", "5h1s", "8h", "8h1s",
                "24h", "30h", "30h1s", "45h", "48h", "100h").map(t -> {
                    try {
                        return Ttl.parse(t, "ttl");
                    } catch (InvalidInputException e) {
                        throw new IllegalStateException(e);
                    }
                });
        Arbitrary<String> job = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(null)),
                Tuple.of(7, Arbitraries.of(JOB_SEGMENTS).list().ofMinSize(1).ofMaxSize(4).map(s -> String.join("/", s))));
        return Combinators.combine(Arbitraries.of("u0", "u1", "u2", "ghost"), kubeUser, ttl, job,
                Arbitraries.of(false, false, true)).as(Request::new);
    }

    /** JobPattern agrees with a recursive glob matcher on random patterns and job names. */
    @Property(tries = 10_000)
    void jobPatternsMatchAsGlobs(@ForAll("globs") String glob, @ForAll("jobs") String job) {
        JobPattern pattern;
        try {
            pattern = JobPattern.compile(glob);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).contains(glob.length() > 100 ? "" : glob.strip());
            return;
        }
        assertThat(pattern.matches(job)).as("%s matches %s", glob, job).isEqualTo(globMatches(glob, job));
    }

    @Provide
    Arbitrary<String> globs() {
        return Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.of(PATTERN_SEGMENTS).list().ofMinSize(1).ofMaxSize(5)
                        .map(s -> String.join("/", s))),
                Tuple.of(2, Arbitraries.strings().withChars("ab*?/.-[](){}+^$|\\").ofMinLength(1).ofMaxLength(8)));
    }

    @Provide
    Arbitrary<String> jobs() {
        return Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.of(JOB_SEGMENTS).list().ofMinSize(1).ofMaxSize(5)
                        .map(s -> String.join("/", s))),
                Tuple.of(2, Arbitraries.strings().withChars("ab*?.-[](){}+^$|\\").ofMinLength(1).ofMaxLength(5)
                        .list().ofMinSize(1).ofMaxSize(3).map(s -> String.join("/", s))));
    }

    @Example
    void aDoubleGlobstarMatchesLikeOne() {
        for (String job : List.of("a", "a/b", "x/y/a")) {
            assertThat(JobPattern.compile("**/**").matches(job)).as(job).isTrue();
            assertThat(JobPattern.compile("**/**/a").matches(job)).as(job).isEqualTo(job.endsWith("a"));
        }
    }
}
