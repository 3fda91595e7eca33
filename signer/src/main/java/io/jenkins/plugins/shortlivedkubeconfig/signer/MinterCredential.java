package io.jenkins.plugins.shortlivedkubeconfig.signer;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where a service-account-token cluster's <em>minter</em> token comes from: the bearer token of a service account
 * whose RBAC allows only {@code create} on {@code serviceaccounts/token} for the service accounts builds may get.
 * Read at every issuance (a Jenkins credential, a file), so that a replaced credential takes effect at once. The
 * token only ever goes to the cluster's API server; it never reaches a build.
 */
@FunctionalInterface
public interface MinterCredential {
    /**
     * The minter's bearer token now.
     *
     * @throws MinterUnavailableException saying what an administrator has to configure or fix
     */
    String bearerToken() throws MinterUnavailableException;

    /** A bearer token as RFC 6750 writes it ({@code b64token}), at most 16384 characters. */
    Pattern TOKEN = Pattern.compile("(?=.{1,16384}$)[A-Za-z0-9._~+/-]+=*");

    /**
     * A bearer token as stored (a file, a secret text): surrounding white space is dropped (files end with a
     * newline); what is left must be one token.
     *
     * @param source the file or credential, for the message (which never quotes the text)
     * @throws MinterUnavailableException naming {@code source}
     */
    static String checkToken(String text, String source) throws MinterUnavailableException {
        String token = text.strip();
        if (token.isEmpty()) {
            throw new MinterUnavailableException(source + ": holds no bearer token (it is empty)");
        }
        if (!TOKEN.matcher(token).matches()) {
            throw new MinterUnavailableException(source + ": is not one bearer token (a bearer token is letters, "
                    + "digits and - . _ ~ + / with trailing =, without white space, at most 16384 characters)");
        }
        return token;
    }

    /**
     * The bearer token of a kubeconfig's user: the current context's user, or the only user; {@code token:} only
     * ({@code tokenFile}, exec plugins and client certificates cannot mint from here).
     *
     * @throws MinterUnavailableException naming {@code source} and the field at fault; never quoting values
     */
    static String tokenFromKubeconfig(byte[] kubeconfig, String source) throws MinterUnavailableException {
        Object root;
        try {
            root = YamlDocuments.loadSafe(new String(kubeconfig, StandardCharsets.UTF_8), 0, YamlDocuments.MAX_BYTES);
        } catch (RuntimeException e) { // SnakeYAML's messages quote the input, which holds the token
            throw new MinterUnavailableException(source + ": not a readable kubeconfig (not valid YAML)");
        }
        if (!(root instanceof Map<?, ?> config) || !(config.get("users") instanceof List<?> users)
                || users.isEmpty()) {
            throw new MinterUnavailableException(source + ": not a kubeconfig with users");
        }
        Object wanted = null;
        if (config.get("current-context") instanceof String current && config.get("contexts") instanceof List<?> cs) {
            for (Object c : cs) {
                if (c instanceof Map<?, ?> m && current.equals(m.get("name"))
                        && m.get("context") instanceof Map<?, ?> context) {
                    wanted = context.get("user");
                }
            }
        }
        if (wanted == null && users.size() > 1) {
            throw new MinterUnavailableException(source + ": has several users and no current context naming one");
        }
        for (Object u : users) {
            if (u instanceof Map<?, ?> entry && (wanted == null || wanted.equals(entry.get("name")))) {
                if (entry.get("user") instanceof Map<?, ?> user && user.get("token") instanceof String token) {
                    return checkToken(token, source + " (users[].user.token)");
                }
                throw new MinterUnavailableException(source + ": the kubeconfig's user has no token (users[].user."
                        + "token); the minter needs a service account's bearer token");
            }
        }
        throw new MinterUnavailableException(source + ": the current context's user is not in users");
    }
}
