package io.jenkins.plugins.shortlivedkubeconfig;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.Extension;
import hudson.model.RootAction;
import io.jenkins.plugins.shortlivedkubeconfig.signer.InvalidInputException;
import io.jenkins.plugins.shortlivedkubeconfig.signer.IssuedKubeconfig;
import io.jenkins.plugins.shortlivedkubeconfig.signer.PolicyRefusal;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Requester;
import jakarta.servlet.ServletException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jenkins.model.Jenkins;
import net.sf.json.JSONException;
import net.sf.json.JSONObject;
import org.kohsuke.stapler.HttpResponse;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.StaplerResponse2;

/**
 * {@code POST <jenkins>/short-lived-kubeconfig/sign}: the REST twin of {@link SignKubeconfigCommand}, for scripts
 * with a Jenkins API token (which, as for every Jenkins API, needs no CSRF crumb: Jenkins' {@code ApiCrumbExclusion}
 * lets requests authenticated by an API token through). Takes the same fields as a form or a JSON object:
 * {@code user}, {@code cluster}, {@code ttl}, {@code kubeUser}, {@code namespace}, all optional.
 *
 * <p>200 with the kubeconfig as {@code application/yaml} and {@code Cache-Control: no-store}; otherwise JSON
 * {@code {"error": "...", "rule": "..."}}: 400 bad input, 403 no {@link KubeconfigPermissions#SIGN} permission or
 * a policy refusal, 404 an unknown cluster, 405 anything but POST.
 */
@Extension
public class KubeconfigEndpoint implements RootAction {
    /** The endpoint's path under the Jenkins URL. */
    static final String URL_NAME = "short-lived-kubeconfig";
    static final Set<String> FIELDS = Set.of("user", "cluster", "ttl", "kubeUser", "namespace");
    /** A request is a few short fields; anything larger is not one. */
    static final int MAX_BODY_BYTES = 64 * 1024;
    static final String YAML = "application/yaml; charset=UTF-8";

    @Override
    @CheckForNull
    public String getIconFileName() {
        return null; // an API, not a page
    }

    @Override
    public String getDisplayName() {
        return Messages.KubeconfigEndpoint_DisplayName();
    }

    @Override
    public String getUrlName() {
        return URL_NAME;
    }

    /**
     * Issues a kubeconfig to the authenticated Jenkins user. Not {@code @POST}: any other method gets a JSON 405
     * here instead of Stapler's 404.
     */
    public HttpResponse doSign(StaplerRequest2 req) throws IOException {
        if (!"POST".equals(req.getMethod())) {
            return new JsonError(405, Messages.KubeconfigEndpoint_PostOnly(), "method-not-allowed");
        }
        if (!Jenkins.get().hasPermission(KubeconfigPermissions.SIGN)) {
            return new JsonError(403, Messages.KubeconfigEndpoint_Forbidden(Jenkins.getAuthentication2().getName()),
                    "permission");
        }
        Map<String, String> fields;
        try {
            fields = fields(req);
        } catch (InvalidInputException e) {
            return new JsonError(400, e.getMessage(), "invalid-request");
        }
        IssuedKubeconfig issued;
        try {
            issued = ShortLivedKubeconfigConfiguration.get().signingService().issue(JenkinsCaller.request(
                    Requester.EntryPoint.REST, fields.get("user"), fields.get("cluster"), fields.get("ttl"),
                    fields.get("kubeUser"), fields.get("namespace")));
        } catch (PolicyRefusal e) {
            return new JsonError(e.rule().equals("unknown-cluster") ? 404 : 403, e.getMessage(), e.rule());
        } catch (InvalidInputException e) {
            return new JsonError(400, e.getMessage(), "invalid-request");
        }
        return new Kubeconfig(issued.kubeconfig());
    }

    /** The request's fields, from a JSON object or a form; an unknown or repeated field is bad input. */
    static Map<String, String> fields(StaplerRequest2 req) throws IOException, InvalidInputException {
        Map<String, String> fields = new HashMap<>();
        String type = req.getContentType() == null ? "" : req.getContentType().toLowerCase(Locale.ROOT);
        if (type.startsWith("application/json")) {
            byte[] body;
            try (InputStream in = req.getInputStream()) {
                body = in.readNBytes(MAX_BODY_BYTES + 1);
            }
            if (body.length > MAX_BODY_BYTES) {
                throw new InvalidInputException(Messages.KubeconfigEndpoint_TooLarge(MAX_BODY_BYTES));
            }
            JSONObject json;
            try {
                json = JSONObject.fromObject(new String(body, StandardCharsets.UTF_8));
            } catch (JSONException e) {
                throw new InvalidInputException(Messages.KubeconfigEndpoint_NotJson());
            }
            for (Object key : json.keySet()) {
                String name = String.valueOf(key);
                Object value = json.get(name);
                if (!FIELDS.contains(name)) {
                    throw new InvalidInputException(Messages.KubeconfigEndpoint_UnknownField(
                            SignKubeconfigCommand.oneLine(name), String.join(", ", FIELDS)));
                }
                if (!(value instanceof String text)) {
                    throw new InvalidInputException(Messages.KubeconfigEndpoint_NotText(name));
                }
                fields.put(name, text);
            }
            return fields;
        }
        String crumbField = Jenkins.get().getCrumbIssuer() == null ? null
                : Jenkins.get().getCrumbIssuer().getCrumbRequestField();
        for (Enumeration<String> names = req.getParameterNames(); names.hasMoreElements(); ) {
            String name = names.nextElement();
            if (name.equals(crumbField)) {
                continue; // a browser session's crumb, checked by Jenkins already
            }
            if (!FIELDS.contains(name)) {
                throw new InvalidInputException(Messages.KubeconfigEndpoint_UnknownField(
                        SignKubeconfigCommand.oneLine(name), String.join(", ", FIELDS)));
            }
            String[] values = req.getParameterValues(name);
            if (values == null || values.length != 1) {
                throw new InvalidInputException(Messages.KubeconfigEndpoint_Repeated(name));
            }
            fields.put(name, values[0]);
        }
        return fields;
    }

    /** 200: the kubeconfig, never cached. */
    static final class Kubeconfig implements HttpResponse {
        private final byte[] yaml;

        Kubeconfig(byte[] yaml) {
            this.yaml = yaml.clone();
        }

        @Override
        public void generateResponse(StaplerRequest2 req, StaplerResponse2 rsp, Object node)
                throws IOException, ServletException {
            rsp.setStatus(200);
            rsp.setContentType(YAML);
            noStore(rsp);
            rsp.setContentLength(yaml.length);
            rsp.getOutputStream().write(yaml);
        }
    }

    /** An error as JSON: {@code {"error": "...", "rule": "..."}}. */
    static final class JsonError implements HttpResponse {
        private final int status;
        private final String error;
        private final String rule;

        JsonError(int status, @CheckForNull String error, String rule) {
            this.status = status;
            this.error = String.valueOf(error);
            this.rule = rule;
        }

        @Override
        public void generateResponse(StaplerRequest2 req, StaplerResponse2 rsp, Object node)
                throws IOException, ServletException {
            rsp.setStatus(status);
            if (status == 405) {
                rsp.setHeader("Allow", "POST");
            }
            rsp.setContentType("application/json; charset=UTF-8");
            noStore(rsp);
            JSONObject body = new JSONObject();
            body.put("error", error);
            body.put("rule", rule);
            byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
            rsp.setContentLength(bytes.length);
            rsp.getOutputStream().write(bytes);
        }
    }

    private static void noStore(StaplerResponse2 rsp) {
        rsp.setHeader("Cache-Control", "no-store");
        rsp.setHeader("X-Content-Type-Options", "nosniff");
    }
}
