package io.jenkins.plugins.shortlivedkubeconfig;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.Extension;
import hudson.cli.CLICommand;
import io.jenkins.plugins.shortlivedkubeconfig.signer.InvalidInputException;
import io.jenkins.plugins.shortlivedkubeconfig.signer.IssuedKubeconfig;
import io.jenkins.plugins.shortlivedkubeconfig.signer.PolicyRefusal;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Requester;
import jenkins.model.Jenkins;
import org.kohsuke.args4j.Option;

/**
 * {@code sign-kubeconfig}: the plugin's {@code tctl auth sign} for Jenkins users outside builds. Writes the kubeconfig
 * to stdout and nothing else (a one-line summary without key material goes to stderr); a refusal or bad input is one line on stderr, never with key material, with exit code 1
 * (refused) or 2 (bad input) as the standalone CLI. Needs the {@link KubeconfigPermissions#SIGN} permission, checked
 * before anything else, then a {@code caller_binding} of the policy naming the user or one of its groups.
 *
 * <pre>java -jar jenkins-cli.jar -s $JENKINS_URL -auth @token sign-kubeconfig --user deployer &gt; kubeconfig</pre>
 */
@Extension
public class SignKubeconfigCommand extends CLICommand {
    /** A certificate was issued and written to stdout. */
    static final int OK = 0;
    /** The policy or the configuration refused the request. */
    static final int REFUSED = 1;
    /** The request did not parse: a TTL, a namespace... */
    static final int BAD_INPUT = 2;

    @Option(name = "--user", metaVar = "ROBOT_USER",
            usage = "The robot user of the policy to act as; default: the only one bound to you.")
    @CheckForNull
    public String user;

    @Option(name = "--cluster", metaVar = "NAME", usage = "The configured cluster; default: the only one.")
    @CheckForNull
    public String cluster;

    @Option(name = "--ttl", metaVar = "DURATION",
            usage = "The certificate's lifetime as a Go duration, e.g. 30m or 8h; default: the configured one.")
    @CheckForNull
    public String ttl;

    @Option(name = "--kube-user", metaVar = "NAME",
            usage = "The Kubernetes user (certificate CN), when the robot user's roles allow several.")
    @CheckForNull
    public String kubeUser;

    @Option(name = "--namespace", metaVar = "NAMESPACE",
            usage = "The kubeconfig context's default namespace; default: the cluster's configured one.")
    @CheckForNull
    public String namespace;

    @Override
    public String getShortDescription() {
        return Messages.SignKubeconfigCommand_ShortDescription();
    }

    @Override
    protected int run() throws Exception {
        Jenkins.get().checkPermission(KubeconfigPermissions.SIGN);
        IssuedKubeconfig issued;
        try {
            issued = ShortLivedKubeconfigConfiguration.get().signingService().issue(JenkinsCaller.request(
                    Requester.EntryPoint.CLI, user, cluster, ttl, kubeUser, namespace));
        } catch (PolicyRefusal e) {
            stderr.println(oneLine(Messages.SignKubeconfigCommand_Refused(e.getMessage(), e.rule())));
            return REFUSED;
        } catch (InvalidInputException e) {
            stderr.println(oneLine(Messages.SignKubeconfigCommand_BadInput(e.getMessage())));
            return BAD_INPUT;
        }
        stdout.write(issued.kubeconfig());
        stdout.flush();
        // What was issued, never the key: the same summary the build log shows.
        stderr.println(oneLine(Messages.SignKubeconfigCommand_Issued(issued.cluster(), issued.summary())));
        return OK;
    }

    /** Core messages quote what was asked for printably already; this keeps any message to one line regardless. */
    static String oneLine(@CheckForNull String message) {
        return String.valueOf(message).replaceAll("[\\r\\n\\u2028\\u2029]+", " ");
    }
}
