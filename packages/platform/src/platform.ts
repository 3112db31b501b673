/**
 * What every backend of the platform offers, local processes (LocalPlatform in
 * @datapark/platform-local) or a Kubernetes cluster (KubernetesPlatform in
 * @datapark/platform-kubernetes): it writes the endpoints file that @datapark/config reads, so
 * every SDK, app and notebook finds the platform the same way wherever it runs, and it reports
 * the state of what it runs.
 *
 * Starting and stopping differ by backend: `up`/`down`/`start`/`stop`/`logFiles` locally,
 * `install`/`uninstall`/`portForward` on Kubernetes.
 */
export interface Platform<Status> {
  /** The endpoints file this platform writes its endpoints and credentials into (mode 0600). */
  readonly endpointsFile: string;
  /** The state of every component, as the backend sees it. */
  status(): Promise<Status>;
}
