// The one Kubernetes version every nodekube component reports: the apiserver's /version, and
// the kubelet's and hollow node's node status (nodeInfo.kubeletVersion, kubeProxyVersion).
// Change it here and nowhere else.
//
// Why 1.30: kubectl prints a skew WARNING when its minor is more than one away from the
// server's (`kubectl version`). Over the kubectl 1.27–1.33 we test with, a server minor m leaves
// m-1…m+1 quiet: three of seven for any m from 28 to 32, two for 27 or 33. Among the ties, 1.30
// sits in the middle, so the farthest kubectl (1.27 or 1.33) is three minors away, not five.
// The gcloud `kubectl` dispatcher runs kubectl.1.<server minor>, which for 30 is installed; and
// upstream's skew policy forbids a kubelet newer than its apiserver, so the nodes say 1.30 too.

export const KUBERNETES_VERSION = {
  major: '1',
  minor: '30',
  /** Semver with our build as the pre-release tag: kubectl parses it (version.ParseSemantic). */
  gitVersion: 'v1.30.0-nodekube',
} as const;

/** GET /version (apimachinery version.Info), in its field order. */
export function versionInfo(): Record<string, string> {
  return {
    ...KUBERNETES_VERSION,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: `node${process.versions.node}`,
    compiler: 'gc',
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}
