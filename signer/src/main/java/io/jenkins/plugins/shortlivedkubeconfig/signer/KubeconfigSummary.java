package io.jenkins.plugins.shortlivedkubeconfig.signer;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * What a kubeconfig's current context holds, read without exposing secrets: server, namespace, and the client
 * certificate's subject, groups, serial and validity. For {@code inspect}.
 */
public record KubeconfigSummary(String context, String cluster, String server, @CheckForNull String namespace,
                                String commonName, List<String> groups, String serialHex, Instant notBefore,
                                Instant notAfter, String issuer) {
    public KubeconfigSummary {
        groups = List.copyOf(groups);
    }

    /**
     * Reads a kubeconfig (UTF-8 YAML or JSON) whose current context's user has {@code client-certificate-data}.
     *
     * @param source names the file in messages
     * @throws InvalidInputException naming the file and the field that is missing or wrong
     */
    public static KubeconfigSummary read(byte[] bytes, String source) throws InvalidInputException {
        if (bytes.length > YamlDocuments.MAX_BYTES) {
            throw new InvalidInputException(source + ": " + bytes.length + " bytes is too large for a kubeconfig");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidInputException(source + ": not UTF-8 text");
        }
        Object root;
        try {
            root = YamlDocuments.loadSafe(text, YamlDocuments.MAX_ALIASES, YamlDocuments.MAX_BYTES);
        } catch (RuntimeException e) { // YAMLException and the rest
            // SnakeYAML's messages quote the input, which may hold key data: say only where it failed.
            // Its constructor also throws plain runtime exceptions for some tags (e.g. "!!seq x": ClassCastException).
            String where = e instanceof MarkedYAMLException m && m.getProblemMark() != null
                    ? " at line " + (m.getProblemMark().getLine() + 1) : "";
            throw new InvalidInputException(source + ": not valid YAML" + where);
        }
        Map<?, ?> config = map(root, source, "the document");
        String current = string(config.get("current-context"), source, "current-context");
        Map<?, ?> context = map(named(config.get("contexts"), current, source, "contexts"), source,
                "contexts[" + shown(current) + "].context");
        String clusterName = string(context.get("cluster"), source, "contexts[" + shown(current) + "].context.cluster");
        String userName = string(context.get("user"), source, "contexts[" + shown(current) + "].context.user");
        Object ns = context.get("namespace");
        Map<?, ?> cluster = map(named(config.get("clusters"), clusterName, source, "clusters"), source,
                "clusters[" + shown(clusterName) + "].cluster");
        String server = string(cluster.get("server"), source, "clusters[" + shown(clusterName) + "].cluster.server");
        Map<?, ?> user = map(named(config.get("users"), userName, source, "users"), source,
                "users[" + shown(userName) + "].user");
        String field = "users[" + shown(userName) + "].user.client-certificate-data";
        String data = string(user.get("client-certificate-data"), source, field);
        String pem;
        try {
            pem = new String(Base64.getMimeDecoder().decode(data), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(source + ": " + field + " is not base64");
        }
        X509Certificate cert = Pem.readCertificates(pem, source + ": " + field).get(0);
        List<String> groups = new ArrayList<>();
        String cn = "";
        try {
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("O")) {
                    groups.add(String.valueOf(rdn.getValue()));
                } else if (rdn.getType().equalsIgnoreCase("CN")) {
                    cn = String.valueOf(rdn.getValue());
                }
            }
        } catch (InvalidNameException e) {
            throw new InvalidInputException(source + ": " + field + " has an unreadable subject");
        }
        return new KubeconfigSummary(current, clusterName, server, ns instanceof String s ? s : null, cn, groups,
                cert.getSerialNumber().toString(16), cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant(),
                cert.getIssuerX500Principal().getName());
    }

    private static Object named(Object list, String name, String source, String field) throws InvalidInputException {
        if (!(list instanceof List<?> items)) {
            throw new InvalidInputException(source + ": " + field + " is missing or not a list");
        }
        String inner = field.substring(0, field.length() - 1);
        for (Object item : items) {
            if (item instanceof Map<?, ?> m && name.equals(m.get("name"))) {
                Object value = m.get(inner);
                if (value == null) {
                    throw new InvalidInputException(source + ": " + field + "[" + shown(name) + "] has no " + inner);
                }
                return value;
            }
        }
        throw new InvalidInputException(source + ": " + field + " has no entry named " + quoted(name));
    }

    private static final Pattern KEY_LIKE = Pattern.compile("[A-Za-z0-9+/=]{20,}");

    /**
     * A name from the file as a message shows it: printable and short. The file holds a private key, so a value
     * that could be part of it (a long run of base64 characters) is described, not shown.
     */
    private static String shown(String name) {
        return hidden(name) ? "(a value of " + name.length() + " characters, not shown)" : MessageText.printable(name, 100);
    }

    private static String quoted(String name) {
        return hidden(name) ? shown(name) : "\"" + shown(name) + "\"";
    }

    private static boolean hidden(String name) {
        return name.length() > 100 || KEY_LIKE.matcher(name).find();
    }

    private static Map<?, ?> map(@CheckForNull Object o, String source, String field) throws InvalidInputException {
        if (o instanceof Map<?, ?> m) {
            return m;
        }
        throw new InvalidInputException(source + ": " + field + " must be a mapping");
    }

    private static String string(@CheckForNull Object o, String source, String field) throws InvalidInputException {
        if (o instanceof String s && !s.isEmpty()) {
            return s;
        }
        throw new InvalidInputException(source + ": " + field + " is missing or not a string");
    }
}
