package io.jenkins.plugins.shortlivedkubeconfig;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.ManagementLink;
import hudson.security.Permission;
import io.jenkins.plugins.shortlivedkubeconfig.signer.AuditEntry;
import io.jenkins.plugins.shortlivedkubeconfig.signer.AuditPage;
import io.jenkins.plugins.shortlivedkubeconfig.signer.AuditQuery;
import io.jenkins.plugins.shortlivedkubeconfig.signer.InvalidInputException;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import jenkins.model.Jenkins;
import org.kohsuke.stapler.Stapler;
import org.kohsuke.stapler.StaplerRequest2;

/**
 * <em>Manage Jenkins » Short-lived kubeconfig audit</em>: the audit file's records, newest first, filtered by
 * outcome, robot user, job (and build), caller or serial, a page at a time. For administrators and holders of
 * Overall/SystemRead. Reading, filtering and paging are the core's ({@link AuditTrail#read}); this only turns the
 * URL's query into an {@link AuditQuery}, so that a filtered page is a link: a build's "Short-lived kubeconfigs"
 * page links to its records with {@link #urlFor(String, int)}.
 */
@Extension
public class AuditTrailLink extends ManagementLink {
    /** The page's path under {@code <jenkins>/manage/}. */
    static final String URL_NAME = "short-lived-kubeconfig-audit";
    static final int PAGE_SIZE = 50;
    /** The query parameters the page reads, in the order links write them. */
    static final List<String> PARAMETERS = List.of("outcome", "robotUser", "job", "build", "caller", "serial");

    @Override
    public String getIconFileName() {
        return "symbol-document-text";
    }

    @Override
    public String getUrlName() {
        return URL_NAME;
    }

    @Override
    public String getDisplayName() {
        return Messages.AuditTrailLink_DisplayName();
    }

    @Override
    public String getDescription() {
        return Messages.AuditTrailLink_Description();
    }

    @NonNull
    @Override
    public Permission getRequiredPermission() {
        return Jenkins.SYSTEM_READ;
    }

    @NonNull
    @Override
    public Category getCategory() {
        return Category.SECURITY;
    }

    /**
     * The link to a build's records, relative to the Jenkins root URL (append it to {@code rootURL + "/"}):
     * {@code manage/short-lived-kubeconfig-audit/?job=<full name>&build=<number>}.
     */
    public static String urlFor(String jobFullName, int buildNumber) {
        return "manage/" + URL_NAME + "/?job=" + encode(jobFullName) + "&build=" + buildNumber;
    }

    /** The page the current request asks for; checks Overall/SystemRead (implied by Overall/Administer). */
    public Listing getListing() throws IOException {
        Jenkins.get().checkPermission(Jenkins.SYSTEM_READ);
        StaplerRequest2 req = Stapler.getCurrentRequest2();
        Map<String, String> params = new LinkedHashMap<>();
        for (String name : PARAMETERS) {
            String value = req == null ? null : req.getParameter(name);
            if (value != null && !value.isBlank()) {
                params.put(name, value.strip());
            }
        }
        String page = req == null ? null : req.getParameter("page");
        AuditQuery query;
        try {
            query = AuditQuery.parse(params.get("outcome"), params.get("robotUser"), params.get("job"),
                    params.get("build"), params.get("caller"), params.get("serial"), page, PAGE_SIZE);
        } catch (InvalidInputException e) {
            return new Listing(params, null, e.getMessage());
        }
        return new Listing(params, AuditTrail.get().read(query), null);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** One rendered page: its records, or why the filters did not parse, and the links to the pages around it. */
    public static final class Listing {
        private final Map<String, String> params;
        @CheckForNull
        private final AuditPage page;
        @CheckForNull
        private final String error;

        Listing(Map<String, String> params, @CheckForNull AuditPage page, @CheckForNull String error) {
            this.params = Map.copyOf(params);
            this.page = page;
            this.error = error;
        }

        public List<AuditEntry> getEntries() {
            return page == null ? List.of() : page.entries();
        }

        /** Why the filters were not applied, or null. */
        @CheckForNull
        public String getError() {
            return error;
        }

        /** Lines of the audit file that are not records (a half-written last line, a damaged line). */
        public int getUnreadable() {
            return page == null ? 0 : page.unreadable();
        }

        public boolean isFiltered() {
            return !params.isEmpty();
        }

        public int getPageNumber() {
            return page == null ? 1 : page.query().pageNumber();
        }

        /** The newer page's query string ({@code ?...}), or null on the first page. */
        @CheckForNull
        public String getNewerUrl() {
            return page == null || !page.hasNewer() ? null : url(params, page.query().pageNumber() - 1);
        }

        /** The older page's query string, or null on the last page. */
        @CheckForNull
        public String getOlderUrl() {
            return page == null || !page.hasMore() ? null : url(params, page.query().pageNumber() + 1);
        }

        /** This page filtered to the record's job and build, or to its caller. */
        public String filterUrl(AuditEntry entry) {
            Map<String, String> only = new LinkedHashMap<>();
            if (entry.job() != null) {
                only.put("job", entry.job());
                if (entry.build() != null && entry.build() > 0) {
                    only.put("build", String.valueOf(entry.build()));
                }
            } else if (entry.caller() != null) {
                only.put("caller", entry.caller());
            }
            return url(only, 1);
        }

        /** The file the records come from. */
        public String getFile() {
            return AuditTrail.get().file().toString();
        }

        private static String url(Map<String, String> params, int pageNumber) {
            String query = PARAMETERS.stream().filter(params::containsKey)
                    .map(name -> name + "=" + encode(params.get(name))).collect(Collectors.joining("&"));
            String page = pageNumber > 1 ? "page=" + pageNumber : "";
            String joined = query.isEmpty() ? page : page.isEmpty() ? query : query + "&" + page;
            return joined.isEmpty() ? "." : "?" + joined;
        }
    }
}
