package io.jenkins.plugins.shortlivedkubeconfig.e2e;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests a {@link KubeApiServer}: one per test run, started on first use, stopped at the end. Without the test
 * bed, tests are skipped with the command that builds it — except under {@code CI=true}, where that is a failure.
 */
public final class KubeApiServerExtension implements ExecutionCondition, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KubeApiServerExtension.class);

    static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (binaries(context) != null || inCi()) {
            return ConditionEvaluationResult.enabled("kube-apiserver test bed available (or CI=true: required)");
        }
        return ConditionEvaluationResult.disabled("no kube-apiserver test bed on this machine; " + TestbedBinaries.HOW_TO_BUILD);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == KubeApiServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent("server", key -> {
            TestbedBinaries binaries = binaries(context);
            if (binaries == null) {
                throw new ParameterResolutionException("CI=true but the kube-apiserver test bed is missing: "
                        + TestbedBinaries.HOW_TO_BUILD);
            }
            try {
                KubeApiServer server = KubeApiServer.start(binaries);
                System.out.println("[kube-testbed] etcd + kube-apiserver ready at " + server.server() + " in "
                        + server.startup().toMillis() + " ms");
                return server;
            } catch (Exception e) {
                throw new ParameterResolutionException("cannot start the kube-apiserver test bed: " + e.getMessage(), e);
            }
        }, KubeApiServer.class);
    }

    private static TestbedBinaries binaries(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent("binaries", key -> {
            try {
                TestbedBinaries b = TestbedBinaries.locate();
                return b == null ? Missing.INSTANCE : b;
            } catch (Exception e) {
                return Missing.INSTANCE;
            }
        }, Object.class) instanceof TestbedBinaries b ? b : null;
    }

    private enum Missing { INSTANCE }
}
