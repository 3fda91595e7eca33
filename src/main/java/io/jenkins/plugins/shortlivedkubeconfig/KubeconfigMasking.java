package io.jenkins.plugins.shortlivedkubeconfig;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.Extension;
import hudson.console.ConsoleLogFilter;
import hudson.console.LineTransformationOutputStream;
import hudson.model.Run;
import hudson.model.listeners.RunListener;
import hudson.util.Secret;
import io.jenkins.plugins.shortlivedkubeconfig.signer.IssuedKubeconfig;
import io.jenkins.plugins.shortlivedkubeconfig.signer.SecretMasker;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.charset.Charset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Masks the certificate and key data of a build's kubeconfigs in its console log, as credentials-binding masks
 * secrets: line by line, every occurrence replaced with {@code ****}. What is masked and how is the core's
 * ({@link IssuedKubeconfig#secretValues()}, {@link SecretMasker}); this class only decides which values a filter
 * holds.
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
        register(run, issued.serialHex(), issued.secretValues());
    }

    /** The same for any issuance, by its serial (or token id) and the values the core says to mask. */
    static void register(Run<?, ?> run, String serial, List<String> secrets) {
        if (!secrets.isEmpty()) {
            SECRETS_BY_RUN.computeIfAbsent(run.getExternalizableId(), id -> new ConcurrentHashMap<>())
                    .put(serial, List.copyOf(secrets));
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

    /** The log filter. Serializable: Pipeline keeps it in the program and may remote it to an agent. */
    static final class Filter extends ConsoleLogFilter implements Serializable {
        private static final long serialVersionUID = 3L;

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
            Charset charset = Charset.forName(charsetName);
            if (blockValues != null) {
                SecretMasker masker = SecretMasker.of(carriedValues(), charset);
                return new MaskingOutputStream(logger, () -> masker);
            }
            return new MaskingOutputStream(logger, () -> {
                List<String> values = registered(runId);
                return values.isEmpty() ? null : SecretMasker.of(values, charset);
            });
        }
    }

    /**
     * Replaces every value with {@code ****}, line by line, with the core's {@link SecretMasker}: lines without a
     * secret (nearly all of them) are passed on as they are, without decoding or copying.
     */
    static final class MaskingOutputStream extends LineTransformationOutputStream.Delegating {
        private final Supplier<SecretMasker> values;
        @CheckForNull
        private SecretMasker masker;

        MaskingOutputStream(OutputStream out, Supplier<SecretMasker> values) {
            super(out);
            this.values = values;
        }

        @Override
        protected void eol(byte[] b, int len) throws IOException {
            SecretMasker m = masker;
            if (m == null) {
                m = values.get(); // freestyle: looked up until the build's kubeconfig exists, then kept
                masker = m;
            }
            if (m == null) {
                out.write(b, 0, len);
            } else {
                m.mask(b, len, out);
            }
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
