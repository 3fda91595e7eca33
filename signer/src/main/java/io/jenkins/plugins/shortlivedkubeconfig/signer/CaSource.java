package io.jenkins.plugins.shortlivedkubeconfig.signer;

/**
 * Where a cluster's signing CA comes from: a Jenkins credential, a keystore, files. Called on every issuance, so
 * an implementation caches the parsed CA and only re-reads what changed.
 */
@FunctionalInterface
public interface CaSource {
    /**
     * The CA to sign with now.
     *
     * @throws CaUnavailableException saying what an administrator has to configure or fix
     */
    CertificateAuthority load() throws CaUnavailableException;
}
