package io.jenkins.plugins.shortlivedkubeconfig;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.Extension;
import hudson.console.ConsoleLogFilter;
import hudson.console.LineTransformationOutputStream;
import hudson.model.Run;
import hudson.model.listeners.RunListener;
import hudson.util.Secret;
import io.jenkins.plugins.shortlivedkubeconfig.signer.IssuedKubeconfig;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.charset.Charset;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Masks the certificate and key data of a build's kubeconfigs in its console log, as credentials-binding masks
 * secrets: line by line, every occurrence replaced with {@code ****}.
 *
 * <p>Why it is built this way. A {@code SimpleBuildWrapper} gets one chance to decorate the log,
 * {@link ShortLivedKubeconfigWrapper#createLoggerDecorator}, and its timing differs by job type:
 * <ul>
 * <li>Pipeline ({@code CoreWrapperStep}) calls it right after {@code setUp}, on the same wrapper object, and keeps
 * the filter in the block's context, which is serialized into the build's program (it must survive a controller
 * restart) and may be sent to the agent that streams a {@code sh} step's output. So the filter must carry the
 * pattern itself, as a {@link Secret} like credentials-binding's {@code BindingStep}, and hold nothing else.
 * <li>Freestyle calls it when the build starts, before {@code setUp} has issued anything, and the wrapper object is
 * shared by every build of the job. So the filter can only carry the build's id and must fetch the pattern lazily,
 * once it exists, as credentials-binding's {@code SecretBuildWrapper} does with its map of builds.
 * </ul>
 * Both are served by one registry keyed by the build's externalizable id, filled by {@code setUp} before anything
 * is written, read by the filter (at creation in Pipeline, per line until found in freestyle) and emptied when the
 * build is finalized. Parallel blocks of one Pipeline build mask each other's values too, which only masks more.
 */
public final class KubeconfigMasking {
    private static final Map<String, Set<String>> SECRETS_BY_RUN = new ConcurrentHashMap<>();

    private KubeconfigMasking() {}

    /** Remembers what to mask for this build (the core says what is secret); call before the kubeconfig is written. */
    static void register(Run<?, ?> run, IssuedKubeconfig issued) {
        List<String> secrets = issued.secretValues();
        if (!secrets.isEmpty()) {
            SECRETS_BY_RUN.computeIfAbsent(run.getExternalizableId(), id -> ConcurrentHashMap.newKeySet())
                    .addAll(secrets);
        }
    }

    /** One pattern for everything registered for this build, longest first; null when nothing is. */
    @CheckForNull
    static Pattern patternFor(String runId) {
        Set<String> secrets = SECRETS_BY_RUN.get(runId);
        if (secrets == null || secrets.isEmpty()) {
            return null;
        }
        return Pattern.compile(secrets.stream()
                .sorted(Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder()))
                .map(Pattern::quote)
                .collect(Collectors.joining("|")));
    }

    /** The build's log filter. Serializable: Pipeline keeps it in the program and may remote it to an agent. */
    static final class Filter extends ConsoleLogFilter implements Serializable {
        private static final long serialVersionUID = 1L;

        private final String runId;
        private final String charsetName;
        /** Known when created after setUp (Pipeline); null when created before it (freestyle). */
        @CheckForNull
        private final Secret pattern;

        Filter(Run<?, ?> run) {
            this.runId = run.getExternalizableId();
            this.charsetName = run.getCharset().name();
            Pattern now = patternFor(runId);
            this.pattern = now == null ? null : Secret.fromString(now.pattern());
        }

        @Override
        @SuppressWarnings("rawtypes") // the overridden signature
        public OutputStream decorateLogger(@CheckForNull Run build, OutputStream logger) {
            return new MaskingOutputStream(logger, this::currentPattern, Charset.forName(charsetName));
        }

        @CheckForNull
        private Pattern currentPattern() {
            Secret known = pattern;
            return known != null ? Pattern.compile(known.getPlainText()) : patternFor(runId);
        }
    }

    /** Replaces every match of the pattern in each line with {@code ****}. */
    static final class MaskingOutputStream extends LineTransformationOutputStream.Delegating {
        private final Supplier<Pattern> secretPattern;
        private final Charset charset;
        @CheckForNull
        private Pattern pattern;

        MaskingOutputStream(OutputStream out, Supplier<Pattern> secretPattern, Charset charset) {
            super(out);
            this.secretPattern = secretPattern;
            this.charset = charset;
        }

        @Override
        protected void eol(byte[] b, int len) throws IOException {
            if (pattern == null) {
                pattern = secretPattern.get(); // looked up until found, then kept
            }
            Pattern p = pattern;
            if (p != null) {
                Matcher m = p.matcher(new String(b, 0, len, charset));
                if (m.find()) {
                    out.write(m.replaceAll("****").getBytes(charset));
                    return;
                }
            }
            out.write(b, 0, len);
        }
    }

    /** Forgets a build's values once its log is closed. */
    @Extension
    public static final class Cleanup extends RunListener<Run<?, ?>> {
        @Override
        public void onFinalized(Run<?, ?> run) {
            SECRETS_BY_RUN.remove(run.getExternalizableId());
        }
    }
}
