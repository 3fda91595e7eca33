package io.jenkins.plugins.shortlivedkubeconfig.signer;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * One {@link SecureRandom} per thread. The JDK's default on Linux (NativePRNG) serialises every caller on one
 * global lock around {@code /dev/urandom}; a DRBG per thread keeps concurrent issuance from queuing there.
 */
final class Randomness {
    private static final ThreadLocal<SecureRandom> PER_THREAD = ThreadLocal.withInitial(Randomness::create);

    private Randomness() {}

    static SecureRandom current() {
        return PER_THREAD.get();
    }

    private static SecureRandom create() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }
}
