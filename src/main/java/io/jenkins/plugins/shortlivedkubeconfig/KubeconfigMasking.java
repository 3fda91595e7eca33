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
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
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
 * restart) and may be sent to the agent that runs the block's steps. So the filter carries its own block's values,
 * as a {@link Secret} like credentials-binding's {@code BindingStep}, and nothing else: never another block's key,
 * which a compromised agent could otherwise read from the filter it was sent.
 * <li>Freestyle calls it when the build starts, before {@code setUp} has issued anything, and the wrapper object is
 * shared by every build of the job. So the filter can only carry the build's id and must fetch the values lazily,
 * once they exist, from a registry keyed by the build's externalizable id, as credentials-binding's
 * {@code SecretBuildWrapper} does. A freestyle build has at most one such wrapper, so the registry holds at most
 * one kubeconfig's values per running freestyle build; they are forgotten when the block ends and, at the latest,
 * when the build is finalized.
 * </ul>
 */
public final class KubeconfigMasking {
    /** Freestyle builds only: run id, then certificate serial, then the values to mask. */
    private static final Map<String, Map<String, List<String>>> SECRETS_BY_RUN = new ConcurrentHashMap<>();

    private KubeconfigMasking() {}

    /** Remembers what to mask for this freestyle build (the core says what is secret); call before writing it. */
    static void register(Run<?, ?> run, IssuedKubeconfig issued) {
        List<String> secrets = issued.secretValues();
        if (!secrets.isEmpty()) {
            SECRETS_BY_RUN.computeIfAbsent(run.getExternalizableId(), id -> new ConcurrentHashMap<>())
                    .put(issued.serialHex(), List.copyOf(secrets));
        }
    }

    /** Forgets one kubeconfig's values when its block ends. */
    static void forget(String runId, String serial) {
        SECRETS_BY_RUN.computeIfPresent(runId, (id, bySerial) -> {
            bySerial.remove(serial);
            return bySerial.isEmpty() ? null : bySerial;
        });
    }

    /** How many builds have values registered; for tests of the registry's bound. */
    static int registeredRuns() {
        return SECRETS_BY_RUN.size();
    }

    /** Everything registered for this freestyle build; empty when nothing is (yet). */
    static List<String> registered(String runId) {
        Map<String, List<String>> bySerial = SECRETS_BY_RUN.get(runId);
        if (bySerial == null) {
            return List.of();
        }
        return bySerial.values().stream().flatMap(List::stream).distinct().toList();
    }

    /** One pattern for these values, longest first; null when there are none. */
    @CheckForNull
    static Pattern patternFor(Collection<String> secrets) {
        if (secrets.isEmpty()) {
            return null;
        }
        return Pattern.compile(secrets.stream()
                .sorted(Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder()))
                .map(Pattern::quote)
                .collect(Collectors.joining("|")));
    }

    /** The log filter. Serializable: Pipeline keeps it in the program and may remote it to an agent. */
    static final class Filter extends ConsoleLogFilter implements Serializable {
        private static final long serialVersionUID = 2L;

        private final String runId;
        private final String charsetName;
        /** Pipeline: this block's values, one per line. Null for freestyle, whose values come later. */
        @CheckForNull
        private final Secret blockValues;

        /**
         * @param blockValues the values of this block's own kubeconfig (Pipeline), or null to look the build's up
         *     lazily (freestyle)
         */
        Filter(Run<?, ?> run, @CheckForNull List<String> blockValues) {
            this.runId = run.getExternalizableId();
            this.charsetName = run.getCharset().name();
            this.blockValues = blockValues == null ? null : Secret.fromString(String.join("\n", blockValues));
        }

        /** The values this filter carries itself, for tests; empty for a freestyle filter. */
        List<String> carriedValues() {
            Secret values = blockValues;
            return values == null || values.getPlainText().isEmpty() ? List.of()
                    : List.of(values.getPlainText().split("\n"));
        }

        @Override
        @SuppressWarnings("rawtypes") // the overridden signature
        public OutputStream decorateLogger(@CheckForNull Run build, OutputStream logger) {
            return new MaskingOutputStream(logger, this::currentPattern, Charset.forName(charsetName));
        }

        @CheckForNull
        private Pattern currentPattern() {
            return blockValues != null ? patternFor(carriedValues()) : patternFor(registered(runId));
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

    /** Forgets a build's values once its log is closed, whatever happened to its blocks. */
    @Extension
    public static final class Cleanup extends RunListener<Run<?, ?>> {
        @Override
        public void onFinalized(Run<?, ?> run) {
            SECRETS_BY_RUN.remove(run.getExternalizableId());
        }
    }
}
