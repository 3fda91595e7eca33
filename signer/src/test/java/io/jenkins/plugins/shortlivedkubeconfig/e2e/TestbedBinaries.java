package io.jenkins.plugins.shortlivedkubeconfig.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Where the test bed's programs are: from KUBE_APISERVER/ETCD/KUBECTL in the environment, else from
 * {@code src/test/testbed/kube-testbed.sh env}. Null when the test bed has not been built.
 */
record TestbedBinaries(Path kubeApiserver, Path etcd, Path kubectl) {
    static final String SCRIPT = "src/test/testbed/kube-testbed.sh";
    static final String HOW_TO_BUILD = "build it with signer/" + SCRIPT + " install (about 10 minutes the first "
            + "time on 2 cores, then cached)";

    static TestbedBinaries locate() throws IOException, InterruptedException {
        Map<String, String> vars = new LinkedHashMap<>();
        for (String name : new String[] {"KUBE_APISERVER", "ETCD", "KUBECTL"}) {
            String v = System.getenv(name);
            if (v != null && !v.isBlank()) {
                vars.put(name, v);
            }
        }
        if (vars.size() < 3 && Files.isRegularFile(Path.of(SCRIPT))) {
            Process p = new ProcessBuilder("bash", SCRIPT, "env").redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
                for (String line : out.split("\n")) {
                    int eq = line.indexOf('=');
                    if (eq > 0) {
                        vars.putIfAbsent(line.substring(0, eq).strip(), unquote(line.substring(eq + 1).strip()));
                    }
                }
            }
        }
        String api = vars.get("KUBE_APISERVER");
        String etcd = vars.get("ETCD");
        String kubectl = vars.get("KUBECTL");
        if (api == null || etcd == null || kubectl == null || !Files.isExecutable(Path.of(api))
                || !Files.isExecutable(Path.of(etcd)) || !Files.isExecutable(Path.of(kubectl))) {
            return null;
        }
        return new TestbedBinaries(Path.of(api), Path.of(etcd), Path.of(kubectl));
    }

    private static String unquote(String s) {
        if (s.length() >= 2 && (s.startsWith("'") && s.endsWith("'") || s.startsWith("\"") && s.endsWith("\""))) {
            return s.substring(1, s.length() - 1);
        }
        return s;
    }
}
