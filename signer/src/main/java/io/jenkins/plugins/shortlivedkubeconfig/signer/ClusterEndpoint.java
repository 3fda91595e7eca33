package io.jenkins.plugins.shortlivedkubeconfig.signer;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The cluster a kubeconfig points at: its name in the kubeconfig, the API server's https URL, the PEM of the CA
 * that signed the API server's serving certificate (null to trust the system roots), and optionally the TLS server
 * name to verify and the default namespace. Create it with {@link #of}, which checks every field.
 */
public record ClusterEndpoint(String name, String server, @CheckForNull String serverCaPem,
                              @CheckForNull String tlsServerName, @CheckForNull String namespace) {
    /** The field names that begin this class's messages; a form may show its own labels instead. */
    public static final String NAME_FIELD = "cluster name";
    public static final String SERVER_FIELD = "server";
    public static final String SERVER_CA_FIELD = "server CA";
    public static final String TLS_SERVER_NAME_FIELD = "tls-server-name";
    public static final String NAMESPACE_FIELD = "namespace";

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?");
    private static final Pattern CLUSTER_NAME = Pattern.compile("[A-Za-z0-9][-A-Za-z0-9_.@:]*");

    /**
     * Checks and builds an endpoint; blank optional fields count as absent.
     *
     * @throws InvalidInputException naming the field at fault
     */
    public static ClusterEndpoint of(String name, String server, @CheckForNull String serverCaPem,
                                     @CheckForNull String tlsServerName, @CheckForNull String namespace)
            throws InvalidInputException {
        if (name == null || !CLUSTER_NAME.matcher(name).matches() || name.length() > 253) {
            throw new InvalidInputException(NAME_FIELD + ": " + MessageText.quote(String.valueOf(name)) + " is not a valid name (letters, digits "
                    + "and - _ . @ :, starting with a letter or digit)");
        }
        if (server == null || server.isBlank()) {
            throw new InvalidInputException(SERVER_FIELD + ": the API server URL is required, e.g. https://10.0.0.1:6443");
        }
        URI uri;
        try {
            uri = new URI(server.strip());
        } catch (URISyntaxException e) {
            throw new InvalidInputException(SERVER_FIELD + ": " + MessageText.quote(server) + " is not a URL");
        }
        if (!"https".equals(uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT))
                || uri.getHost() == null) {
            throw new InvalidInputException(SERVER_FIELD + ": " + MessageText.quote(server) + " must be an https:// URL with a host; client "
                    + "certificates are only sent over TLS");
        }
        if (uri.getUserInfo() != null || uri.getQuery() != null || uri.getFragment() != null) {
            throw new InvalidInputException(SERVER_FIELD + ": " + MessageText.quote(server) + " must not contain user info, a query or a fragment");
        }
        String ca = serverCaPem == null || serverCaPem.isBlank() ? null : serverCaPem.strip() + "\n";
        if (ca != null) {
            Pem.readCertificates(ca, SERVER_CA_FIELD);
        }
        String sni = blankToNull(tlsServerName);
        if (sni != null && (!HOST_NAME.matcher(sni).matches() || sni.length() > 253)) {
            throw new InvalidInputException(TLS_SERVER_NAME_FIELD + ": " + MessageText.quote(sni) + " is not a host name");
        }
        String ns = blankToNull(namespace);
        if (ns != null && (!DNS_LABEL.matcher(ns).matches() || ns.length() > 63)) {
            throw new InvalidInputException(NAMESPACE_FIELD + ": " + MessageText.quote(ns) + " is not a Kubernetes namespace name (lower-case "
                    + "letters, digits and '-', at most 63 characters)");
        }
        return new ClusterEndpoint(name, server.strip(), ca, sni, ns);
    }

    @CheckForNull
    private static String blankToNull(@CheckForNull String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
