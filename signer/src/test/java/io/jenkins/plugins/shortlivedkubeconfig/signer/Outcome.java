package io.jenkins.plugins.shortlivedkubeconfig.signer;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What one call under test did: returned a value or threw, within a time bound. Generated-input properties use it
 * to say "a value or our documented error, never another exception, never a hang". The call runs on a daemon
 * thread so that a hang fails the try (and is interrupted) instead of stalling the build.
 */
public record Outcome<T>(@CheckForNull T value, @CheckForNull Throwable thrown) {
    /** Per-input bound for parsers: far above any legitimate input (which takes milliseconds). */
    public static final Duration PARSER_BOUND = Duration.ofSeconds(20);

    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final ThreadFactory DAEMONS = r -> {
        Thread t = new Thread(r, "bounded-call-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    };
    private static final ExecutorService POOL = Executors.newCachedThreadPool(DAEMONS);

    /** Runs {@code call}; fails with an {@link AssertionError} when it takes longer than {@code bound}. */
    public static <T> Outcome<T> within(Duration bound, Callable<T> call) {
        Future<T> future = POOL.submit(call);
        try {
            return new Outcome<>(future.get(bound.toMillis(), TimeUnit.MILLISECONDS), null);
        } catch (ExecutionException e) {
            return new Outcome<>(null, e.getCause());
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new AssertionError("no answer within " + bound.toSeconds() + "s: a hang");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    public static <T> Outcome<T> within(Callable<T> call) {
        return within(PARSER_BOUND, call);
    }

    public boolean returned() {
        return thrown == null;
    }

    /**
     * Asserts that the call returned, or threw {@code documented} (or a subclass) with a message that starts with
     * {@code source}; anything else (another exception, an Error, a null or multi-line message) fails with it as
     * the cause.
     */
    public Outcome<T> isValueOrDocumentedError(Class<? extends Throwable> documented, String source) {
        return isValueOrDocumentedError(documented, source, java.util.function.UnaryOperator.identity());
    }

    /**
     * As {@link #isValueOrDocumentedError(Class, String)}, checking the one-line rule on the message after
     * {@code knownIssue} has cut out a part that a disabled test reports as a known bug in a class this suite may not
     * change. The rest of the message is checked in full.
     */
    public Outcome<T> isValueOrDocumentedError(Class<? extends Throwable> documented, String source,
                                               java.util.function.UnaryOperator<String> knownIssue) {
        if (thrown == null) {
            if (value == null) {
                throw new AssertionError("returned null instead of a value or an error");
            }
            return this;
        }
        if (!documented.isInstance(thrown)) {
            throw new AssertionError("threw " + thrown.getClass().getName() + " instead of a value or "
                    + documented.getSimpleName(), thrown);
        }
        String message = thrown.getMessage();
        if (message == null || !message.startsWith(source)) {
            throw new AssertionError("the message does not start with the input's name \"" + source + "\": "
                    + message, thrown);
        }
        String checked = knownIssue.apply(message);
        if (checked.chars().anyMatch(c -> Character.isISOControl(c) || c == '\u2028' || c == '\u2029')) {
            throw new AssertionError("the message is not one clean line (it has a control character): "
                    + message.replaceAll("\\p{Cntrl}", "<ctrl>"), thrown);
        }
        return this;
    }
}
