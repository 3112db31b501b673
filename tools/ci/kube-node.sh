#!/usr/bin/env bash
# A one-node Kubernetes cluster on this machine, with a real kubelet: etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler, kubelet and kube-proxy (v1.35.4, built from the Go
# module proxy by tools/ci/kube.sh and this script), Debian's containerd and runc as the runtime,
# Debian's CNI plugins (bridge, host-local, loopback, portmap). Images come from no registry:
# `start` builds a busybox image (Debian's busybox-static) and the pod sandbox ("pause") image
# from it and imports them into containerd.
# Add-ons `start` installs once the node is Ready: CoreDNS (v1.15.0, `go install` from the Go
# module proxy; a Deployment in kube-system labelled k8s-app=kube-dns, Service kube-dns at
# 10.215.0.10), so Services resolve by name as on any cluster; and storage: a default
# StorageClass "local" (no provisioner, WaitForFirstConsumer) with $DATAPARK_KUBE_NODE_VOLUMES
# (16) static local PersistentVolumes, directories under $state/volumes (why: docs/kubernetes.md);
# and kube-router (v2.1.0, `go install`) enforcing NetworkPolicies, its firewall controller only.
#
# Isolation: everything runs in a network namespace of its own (datapark-kube-node, reached from
# the host over a veth pair: host 10.213.0.1, node 10.213.0.2; pods 10.214.0.0/24 on a bridge
# inside it; Services 10.215.0.0/24), in a PID and mount namespace of its own (stop kills the
# namespace's first process, and with it every daemon, shim and container; the mounts vanish
# with it), with its cgroups under /datapark-kube and its state under $DATAPARK_KUBE_NODE_DIR
# (/tmp/datapark-kube-node). Nothing listens on the host's interfaces.
#
# Usage (as root): tools/ci/kube-node.sh start|stop|status
#   start   builds what is missing, starts the node, waits for it and CoreDNS to be Ready (prints the time)
#   build   builds kubelet, kube-scheduler, kube-proxy, CoreDNS and kube-router when missing
#   stop    stops everything and removes the namespace, the cgroups and the state directory
# After start: KUBECONFIG=$DATAPARK_KUBE_NODE_DIR/admin.kubeconfig (cluster-admin).
# DATAPARK_KUBE_NODE_RUNC: another runc binary (a wrapper that keeps runc's --debug output, say).
set -euo pipefail

KUBE_VERSION=v1.35.4 # keep in step with tools/ci/kube.sh
COREDNS_VERSION=v1.15.0
# The newest kube-router the module proxy here serves (later tags answer 403).
KUBE_ROUTER_VERSION=v2.1.0
here=$(cd "$(dirname "$0")" && pwd)
bin="${DATAPARK_KUBE_BIN:-$HOME/.cache/datapark/kube-$KUBE_VERSION/bin}"
state="${DATAPARK_KUBE_NODE_DIR:-/tmp/datapark-kube-node}"
netns=datapark-kube-node
host_if=dpkn0 node_if=dpkn1
host_ip=10.213.0.1 node_ip=10.213.0.2
pod_cidr=10.214.0.0/24 service_cidr=10.215.0.0/24 service_ip=10.215.0.1 dns_ip=10.215.0.10
node_name=datapark-node
cgroup_root=/datapark-kube
busybox_image=datapark.local/busybox:1.35.0
pause_image=datapark.local/pause:busybox-1.35.0
coredns_image=datapark.local/coredns:${COREDNS_VERSION#v}

log() { echo "kube-node: $*"; }
die() {
  echo "kube-node: $*" >&2
  exit 1
}

preflight() {
  [ "$(id -u)" -eq 0 ] || die "must run as root (it creates network namespaces, cgroups and mounts)"
  local missing=()
  for f in /usr/bin/containerd /usr/bin/ctr /usr/sbin/runc /usr/lib/cni/bridge /usr/lib/cni/host-local \
    /usr/lib/cni/loopback /usr/lib/cni/portmap /bin/busybox /usr/sbin/iptables /usr/sbin/conntrack /usr/sbin/ipset; do
    [ -x "$f" ] || missing+=("$f")
  done
  [ ${#missing[@]} -eq 0 ] || die "missing ${missing[*]}: run \`bash tools/ci/apt.sh\` (containerd, runc, containernetworking-plugins, busybox-static, iptables, conntrack, ipset)"
  grep -qw overlay /proc/filesystems || die "the kernel has no overlayfs (containerd's snapshotter needs it)"
}

# kubelet, kube-scheduler and kube-proxy from the same module as the control plane.
build() {
  bash "$here/kube.sh"
  . "$here/go-toolchain.sh"
  if ! grep -qx "CoreDNS-${COREDNS_VERSION#v}" <<<"$("$bin/coredns" -version 2>/dev/null || true)"; then
    require_go kube-node 1.25
    log "building CoreDNS $COREDNS_VERSION into $bin (a few minutes on 2 cores)"
    (cd /tmp && CGO_ENABLED=0 GOBIN="$bin" GOFLAGS=-buildvcs=false go install -v -trimpath -ldflags "-s -w" \
      "github.com/coredns/coredns@$COREDNS_VERSION" 2>&1 | go_progress "kube-node: coredns")
  fi
  if ! grep -q "version $KUBE_ROUTER_VERSION," <<<"$("$bin/kube-router" --version 2>&1 || true)"; then
    require_go kube-node 1.25
    log "building kube-router $KUBE_ROUTER_VERSION into $bin (a few minutes on 2 cores)"
    (cd /tmp && CGO_ENABLED=0 GOBIN="$bin" GOFLAGS=-buildvcs=false go install -v -trimpath \
      -ldflags "-s -w -X github.com/cloudnativelabs/kube-router/v2/pkg/version.Version=$KUBE_ROUTER_VERSION -X github.com/cloudnativelabs/kube-router/v2/pkg/version.BuildDate=module-proxy" \
      "github.com/cloudnativelabs/kube-router/v2/cmd/kube-router@$KUBE_ROUTER_VERSION" 2>&1 | go_progress "kube-node: kube-router")
  fi
  if [ -x "$bin/kubelet" ] && [ -x "$bin/kube-scheduler" ] &&
    grep -qx "Kubernetes $KUBE_VERSION" <<<"$("$bin/kube-proxy" --version 2>/dev/null || true)"; then
    return 0
  fi
  require_go kube-node 1.25
  log "building kubelet, kube-scheduler, kube-proxy $KUBE_VERSION into $bin (a few minutes on 2 cores; seconds with Go's build cache)"
  local ldflags="-s -w" started=$SECONDS p
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags="$ldflags -X $p.gitVersion=$KUBE_VERSION -X $p.gitMajor=1 -X $p.gitMinor=35 -X $p.gitTreeState=clean"
  done
  (cd "$here/../kube" && GOFLAGS=-buildvcs=false go build -v -trimpath -ldflags "$ldflags" -o "$bin/" \
    k8s.io/kubernetes/cmd/kubelet k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kube-proxy 2>&1 |
    go_progress kube-node)
  log "built in $((SECONDS - started)) s"
}

# The root filesystem both images share: Debian's static busybox and its applets.
images() {
  local rootfs="$state/images/rootfs" a
  mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/tmp" "$rootfs/proc" "$rootfs/sys" "$rootfs/dev"
  cp /bin/busybox "$rootfs/bin/busybox"
  for a in $(/bin/busybox --list); do
    [ "$a" = busybox ] || ln -sf busybox "$rootfs/bin/$a"
  done
  printf 'root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\n' >"$rootfs/etc/group"
  python3 "$here/../kube/oci-image.py" "$rootfs" "$busybox_image" "$state/images/busybox.tar" '["/bin/sh"]'
  # The pod sandbox only holds the pod's namespaces open; as PID 1 it must exit on SIGTERM itself.
  python3 "$here/../kube/oci-image.py" "$rootfs" "$pause_image" "$state/images/pause.tar" \
    '["/bin/sh", "-c", "trap \"exit 0\" TERM INT; while :; do sleep 3600 & wait $!; done"]'
  # CoreDNS is one static binary: an image of it alone (and the nobody user it runs as).
  local dns="$state/images/coredns-rootfs"
  mkdir -p "$dns/etc"
  cp "$bin/coredns" "$dns/coredns"
  cp "$rootfs/etc/passwd" "$rootfs/etc/group" "$dns/etc/"
  python3 "$here/../kube/oci-image.py" "$dns" "$coredns_image" "$state/images/coredns.tar" '["/coredns"]' \
    --user 65534:65534
}

certs() {
  local d="$state/pki"
  mkdir -p "$d"
  (
    cd "$d"
    umask 077
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 7 -subj "/CN=datapark-kube-node-ca" 2>/dev/null
    sign() { # name subject [subjectAltName]
      openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "$2" 2>/dev/null
      printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=%s\n%s\n' \
        "${4:-serverAuth,clientAuth}" "${3:+subjectAltName=$3}" >"$1.ext"
      openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 7 -out "$1.crt" -extfile "$1.ext" 2>/dev/null
    }
    sign apiserver "/CN=kube-apiserver" "IP:$node_ip,IP:$service_ip,IP:127.0.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local" serverAuth
    # The apiserver's identity towards the kubelet (logs, exec, port-forward).
    sign kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" "" clientAuth
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out sa.key 2>/dev/null
    openssl pkey -in sa.key -pubout -out sa.pub 2>/dev/null
  )
  # One token per component, each with the identity RBAC's bootstrap roles are bound to.
  : >"$state/pki/tokens.csv"
  chmod 600 "$state/pki/tokens.csv"
  local who
  for who in 'admin|admin|system:masters' 'scheduler|system:kube-scheduler|' \
    'controller-manager|system:kube-controller-manager|' 'proxy|system:kube-proxy|' \
    "kubelet|system:node:$node_name|system:nodes" 'kube-router|datapark:kube-router|'; do
    local file user group token
    IFS='|' read -r file user group <<<"$who"
    token=$(openssl rand -hex 24)
    echo "$token,$user,$user${group:+,\"$group\"}" >>"$state/pki/tokens.csv"
    cat >"$state/$file.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters: [{name: node, cluster: {server: "https://$node_ip:6443", certificate-authority: "$state/pki/ca.crt"}}]
users: [{name: $file, user: {token: "$token"}}]
contexts: [{name: node, context: {cluster: node, user: $file}}]
current-context: node
EOF
    chmod 600 "$state/$file.kubeconfig"
  done
}

configs() {
  mkdir -p "$state/cni" "$state/run" "$state/logs" "$state/pod-logs" "$state/var-log-containers" "$state/sysctl"
  cat >"$state/containerd.toml" <<EOF
version = 2
root = "$state/containerd/root"
state = "$state/containerd/state"
[grpc]
  address = "$state/run/containerd.sock"
[plugins."io.containerd.internal.v1.opt"]
  path = "$state/containerd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$pause_image"
  # This machine withholds CAP_SYS_RESOURCE even from root: no process may lower its
  # oom_score_adj, and runc fails to start the pod sandbox at -998 ("can't get final child's PID
  # from pipe"). Scores below containerd's own (0) are raised to it.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "${DATAPARK_KUBE_NODE_RUNC:-/usr/sbin/runc}"
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$state/cni"
EOF
  cat >"$state/cni/10-datapark.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "datapark",
  "plugins": [
    {"type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": true, "hairpinMode": true,
     "ipam": {"type": "host-local", "ranges": [[{"subnet": "$pod_cidr"}]], "routes": [{"dst": "0.0.0.0/0"}],
              "dataDir": "$state/cni-ipam"}},
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
EOF
  cat >"$state/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
containerRuntimeEndpoint: unix://$state/run/containerd.sock
cgroupDriver: cgroupfs
cgroupRoot: $cgroup_root
# This kernel mounts cgroup v1 controllers; Kubernetes 1.35 refuses them unless told otherwise.
failCgroupV1: false
failSwapOn: false
address: $node_ip
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
podLogsDir: $state/pod-logs
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: false}
  x509: {clientCAFile: $state/pki/ca.crt}
authorization: {mode: AlwaysAllow}
# The disk is shared and fuller than the kubelet's defaults (nodefs.available<10%) tolerate.
evictionHard: {memory.available: 200Mi, nodefs.available: 1%, imagefs.available: 1%, nodefs.inodesFree: 1%}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
resolvConf: /etc/resolv.conf
clusterDNS: [$dns_ip]
clusterDomain: cluster.local
EOF
  cat >"$state/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: $state/proxy.kubeconfig}
mode: iptables
clusterCIDR: $pod_cidr
hostnameOverride: $node_name
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
# Conntrack limits are the host's (0: leave them as they are).
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
EOF
  # The kubelet sets these host-wide kernel settings unless they already hold its values; the
  # node sees its own copies (bind-mounted over /proc/sys in its mount namespace) instead.
  echo 1 >"$state/sysctl/vm.overcommit_memory"
  echo 10 >"$state/sysctl/kernel.panic"
  echo 1 >"$state/sysctl/kernel.panic_on_oops"
}

# Runs as PID 1 of the node's PID namespace, in its mount and network namespaces.
inner() {
  # Shared, as systemd makes it on a real node, so that a hostPath volume of / with
  # mountPropagation HostToContainer (the node exporter's) can be given: containerd refuses one
  # whose source is a private mount. Only this mount namespace's copy, private to the host.
  mount --make-rshared /
  mount -t tmpfs tmpfs /run/netns
  mkdir -p /run/containerd && mount -t tmpfs tmpfs /run/containerd
  mount --bind "$state/var-log-containers" /var/log/containers
  local s
  for s in vm.overcommit_memory kernel.panic kernel.panic_on_oops; do
    mount --bind "$state/sysctl/$s" "/proc/sys/${s//.//}"
  done
  ip link set lo up
  sysctl -qw net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1
  run() { # name binary args…
    local name=$1
    shift
    "$@" >>"$state/logs/$name.log" 2>&1 &
    echo $! >"$state/run/$name.pid"
  }
  until_ok() { # what seconds command…
    local what=$1 t=$2
    shift 2
    for ((i = 0; i < t * 4; i++)); do
      "$@" >/dev/null 2>&1 && return 0
      sleep 0.25
    done
    echo "kube-node: $what not up after $t s" >>"$state/logs/inner.log"
    return 1
  }
  run containerd containerd --config "$state/containerd.toml"
  run etcd "$bin/etcd" --name=node --data-dir="$state/etcd" --listen-client-urls=http://127.0.0.1:2379 \
    --advertise-client-urls=http://127.0.0.1:2379 --listen-peer-urls=http://127.0.0.1:2380 \
    --initial-advertise-peer-urls=http://127.0.0.1:2380 --initial-cluster=node=http://127.0.0.1:2380 \
    --quota-backend-bytes=268435456
  until_ok etcd 60 curl -fs http://127.0.0.1:2379/health
  run kube-apiserver "$bin/kube-apiserver" --bind-address=0.0.0.0 --advertise-address="$node_ip" \
    --secure-port=6443 --etcd-servers=http://127.0.0.1:2379 \
    --tls-cert-file="$state/pki/apiserver.crt" --tls-private-key-file="$state/pki/apiserver.key" \
    --client-ca-file="$state/pki/ca.crt" --token-auth-file="$state/pki/tokens.csv" \
    --kubelet-client-certificate="$state/pki/kubelet-client.crt" --kubelet-client-key="$state/pki/kubelet-client.key" \
    --authorization-mode=Node,RBAC --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$state/pki/sa.pub" --service-account-signing-key-file="$state/pki/sa.key" \
    --service-cluster-ip-range="$service_cidr" --allow-privileged=true \
    --kubelet-preferred-address-types=InternalIP
  until_ok kube-apiserver 120 curl -fs --cacert "$state/pki/ca.crt" "https://$node_ip:6443/readyz"
  run kube-controller-manager "$bin/kube-controller-manager" --kubeconfig="$state/controller-manager.kubeconfig" \
    --leader-elect=false --secure-port=0 --use-service-account-credentials=true \
    --service-account-private-key-file="$state/pki/sa.key" --root-ca-file="$state/pki/ca.crt" \
    --service-cluster-ip-range="$service_cidr"
  run kube-scheduler "$bin/kube-scheduler" --kubeconfig="$state/scheduler.kubeconfig" --leader-elect=false \
    --secure-port=0
  until_ok containerd 60 ctr --address "$state/run/containerd.sock" version
  ctr --address "$state/run/containerd.sock" -n k8s.io images import "$state/images/pause.tar" >>"$state/logs/inner.log" 2>&1
  ctr --address "$state/run/containerd.sock" -n k8s.io images import "$state/images/busybox.tar" >>"$state/logs/inner.log" 2>&1
  ctr --address "$state/run/containerd.sock" -n k8s.io images import "$state/images/coredns.tar" >>"$state/logs/inner.log" 2>&1
  run kubelet "$bin/kubelet" --config="$state/kubelet.yaml" --kubeconfig="$state/kubelet.kubeconfig" \
    --root-dir="$state/kubelet" --node-ip="$node_ip" --hostname-override="$node_name" --v=1
  run kube-proxy "$bin/kube-proxy" --config="$state/kube-proxy.yaml"
  # NetworkPolicies: kube-router's firewall alone (kube-proxy routes Services, the bridge plugin
  # pods), with iptables and ipset in this namespace; it starts once start() granted its RBAC.
  run kube-router bash -c "until [ -e '$state/run/kube-router.rbac' ]; do sleep 0.5; done
    exec '$bin/kube-router' --kubeconfig='$state/kube-router.kubeconfig' --hostname-override=$node_name \
      --run-firewall=true --run-router=false --run-service-proxy=false --enable-cni=false \
      --service-cluster-ip-range=$service_cidr --health-port=0 --metrics-port=0"
  echo ready >"$state/run/inner.started"
  # Any daemon exiting ends the node (PID 1 exiting kills the rest): start then fails at once.
  wait -n || true
  echo "kube-node: a daemon exited; see $state/logs" >>"$state/logs/inner.log"
  exit 1
}

# The kubelet's cgroupRoot must exist in every hierarchy (cgroup v1: one per controller); a
# new cpuset starts with no CPUs and no memory nodes, so it gets its parent's.
cgroups_up() {
  local c
  for c in /sys/fs/cgroup/*/; do
    mkdir -p "$c${cgroup_root#/}"
    if [ -e "$c/cpuset.cpus" ]; then
      cat "$c/cpuset.cpus" >"$c${cgroup_root#/}/cpuset.cpus"
      cat "$c/cpuset.mems" >"$c${cgroup_root#/}/cpuset.mems"
    fi
  done
}

netns_up() {
  ip netns add "$netns"
  ip link add "$host_if" type veth peer name "$node_if"
  ip link set "$node_if" netns "$netns"
  ip addr add "$host_ip/30" dev "$host_if"
  ip link set "$host_if" up
  ip -n "$netns" addr add "$node_ip/30" dev "$node_if"
  ip -n "$netns" link set "$node_if" up
  ip -n "$netns" link set lo up
  ip -n "$netns" route add default via "$host_ip"
}

admin_get() { # path
  curl -fsS --cacert "$state/pki/ca.crt" -H "Authorization: Bearer $(awk -F, '$2=="admin"{print $1}' "$state/pki/tokens.csv")" \
    "https://$node_ip:6443$1"
}

admin_post() { # path; the object (YAML) on stdin
  curl -fsS -o /dev/null --cacert "$state/pki/ca.crt" -H "Authorization: Bearer $(awk -F, '$2=="admin"{print $1}' "$state/pki/tokens.csv")" \
    -H 'Content-Type: application/yaml' -X POST --data-binary @- "https://$node_ip:6443$1"
}

# Storage: static local PersistentVolumes, directories on this node, under a default StorageClass
# without a provisioner. The kubelet applies a pod's fsGroup to `local` volumes (not to hostPath
# ones), so the chart's non-root pods can write them as on a provisioned disk. A claim binds when
# its pod is scheduled (WaitForFirstConsumer); a released volume is kept (Retain) until `stop`, so
# installs one after another use up volumes: real-node.test.ts's cases take 12 (16 leave room).
# Sizes are nominal: every volume is a directory on the same disk.
storage() {
  admin_post /apis/storage.k8s.io/v1/storageclasses <<EOF
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: local
  annotations: {storageclass.kubernetes.io/is-default-class: "true"}
provisioner: kubernetes.io/no-provisioner
volumeBindingMode: WaitForFirstConsumer
reclaimPolicy: Retain
EOF
  local i
  for ((i = 0; i < ${DATAPARK_KUBE_NODE_VOLUMES:-16}; i++)); do
    mkdir -p "$state/volumes/pv-$i"
    admin_post /api/v1/persistentvolumes <<EOF
apiVersion: v1
kind: PersistentVolume
metadata: {name: local-pv-$i}
spec:
  capacity: {storage: 50Gi}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: local
  local: {path: $state/volumes/pv-$i}
  nodeAffinity:
    required:
      nodeSelectorTerms: [{matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [$node_name]}]}]
EOF
  done
}

# CoreDNS as the cluster's DNS, where charts expect it: pods labelled k8s-app=kube-dns in
# kube-system behind Service kube-dns (the chart's NetworkPolicies let pods reach exactly those).
# It answers for cluster.local only: nothing outside the cluster is reachable anyway.
coredns() {
  admin_post /api/v1/namespaces/kube-system/serviceaccounts <<EOF
apiVersion: v1
kind: ServiceAccount
metadata: {name: coredns, namespace: kube-system}
EOF
  admin_post /apis/rbac.authorization.k8s.io/v1/clusterroles <<EOF
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: "system:coredns"}
rules:
  - {apiGroups: [""], resources: [endpoints, services, pods, namespaces], verbs: [list, watch]}
  - {apiGroups: [discovery.k8s.io], resources: [endpointslices], verbs: [list, watch]}
EOF
  admin_post /apis/rbac.authorization.k8s.io/v1/clusterrolebindings <<EOF
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: "system:coredns"}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:coredns"}
subjects: [{kind: ServiceAccount, name: coredns, namespace: kube-system}]
EOF
  admin_post /api/v1/namespaces/kube-system/configmaps <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata: {name: coredns, namespace: kube-system}
data:
  Corefile: |
    cluster.local:53 in-addr.arpa:53 ip6.arpa:53 {
        errors
        health :8080
        ready :8181
        kubernetes cluster.local in-addr.arpa ip6.arpa {
            pods insecure
        }
        cache 30
        loop
    }
EOF
  admin_post /apis/apps/v1/namespaces/kube-system/deployments <<EOF
apiVersion: apps/v1
kind: Deployment
metadata: {name: coredns, namespace: kube-system, labels: {k8s-app: kube-dns}}
spec:
  replicas: 1
  selector: {matchLabels: {k8s-app: kube-dns}}
  template:
    metadata: {labels: {k8s-app: kube-dns}}
    spec:
      serviceAccountName: coredns
      dnsPolicy: Default
      priorityClassName: system-cluster-critical
      securityContext:
        runAsUser: 65534
        runAsGroup: 65534
        runAsNonRoot: true
        seccompProfile: {type: RuntimeDefault}
        # Port 53 without root or capabilities (a safe, per-pod sysctl).
        sysctls: [{name: net.ipv4.ip_unprivileged_port_start, value: "53"}]
      containers:
        - name: coredns
          image: $coredns_image
          imagePullPolicy: Never
          args: [-conf, /etc/coredns/Corefile]
          ports:
            - {name: dns, containerPort: 53, protocol: UDP}
            - {name: dns-tcp, containerPort: 53, protocol: TCP}
          readinessProbe: {httpGet: {path: /ready, port: 8181}, periodSeconds: 2}
          livenessProbe: {httpGet: {path: /health, port: 8080}, periodSeconds: 10}
          resources: {requests: {cpu: 50m, memory: 32Mi}, limits: {memory: 128Mi}}
          securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
          volumeMounts: [{name: config, mountPath: /etc/coredns, readOnly: true}]
      volumes: [{name: config, configMap: {name: coredns}}]
EOF
  admin_post /api/v1/namespaces/kube-system/services <<EOF
apiVersion: v1
kind: Service
metadata: {name: kube-dns, namespace: kube-system, labels: {k8s-app: kube-dns}}
spec:
  clusterIP: $dns_ip
  selector: {k8s-app: kube-dns}
  ports:
    - {name: dns, port: 53, protocol: UDP}
    - {name: dns-tcp, port: 53, protocol: TCP}
EOF
}

# kube-router's network policy controller reads these (its own token, user datapark:kube-router).
kube_router_rbac() {
  admin_post /apis/rbac.authorization.k8s.io/v1/clusterroles <<EOF
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: "datapark:kube-router"}
rules:
  - {apiGroups: [""], resources: [namespaces, pods, services, nodes, endpoints], verbs: [get, list, watch]}
  - {apiGroups: [networking.k8s.io], resources: [networkpolicies], verbs: [get, list, watch]}
  - {apiGroups: [discovery.k8s.io], resources: [endpointslices], verbs: [get, list, watch]}
  - {apiGroups: [""], resources: [events], verbs: [create, patch]}
EOF
  admin_post /apis/rbac.authorization.k8s.io/v1/clusterrolebindings <<EOF
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: "datapark:kube-router"}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "datapark:kube-router"}
subjects: [{kind: User, name: "datapark:kube-router", apiGroup: rbac.authorization.k8s.io}]
EOF
  # inner() starts kube-router once its permissions exist.
  touch "$state/run/kube-router.rbac"
}

coredns_ready() {
  admin_get /apis/apps/v1/namespaces/kube-system/deployments/coredns 2>/dev/null |
    python3 -c 'import json,sys; s=json.load(sys.stdin).get("status",{}); sys.exit(0 if s.get("readyReplicas",0)>=1 else 1)' 2>/dev/null
}

node_ready() {
  admin_get "/api/v1/nodes/$node_name" 2>/dev/null |
    python3 -c 'import json,sys; c=[x for x in json.load(sys.stdin)["status"]["conditions"] if x["type"]=="Ready"]; sys.exit(0 if c and c[0]["status"]=="True" else 1)' 2>/dev/null
}

start() {
  preflight
  [ ! -e "$state/run/node.pid" ] || die "already started (state in $state): run \`$0 stop\` first"
  ip netns list | grep -qw "$netns" && die "network namespace $netns exists (a node not cleanly stopped): run \`$0 stop\`"
  build
  local started=$SECONDS
  rm -rf "$state"
  mkdir -p "$state"
  images
  certs
  configs
  mkdir -p /var/log/containers
  cgroups_up
  netns_up
  # setsid: the node outlives this script; nsenter (not `ip netns exec`, which remounts /sys and
  # hides the cgroup mounts) puts it in the network namespace; unshare gives it PID and mount
  # namespaces whose first process is inner().
  DATAPARK_KUBE_NODE_DIR="$state" DATAPARK_KUBE_BIN="$bin" setsid nsenter --net="/run/netns/$netns" \
    unshare --pid --fork --mount --propagation private --mount-proc \
    bash "$here/kube-node.sh" inner </dev/null >>"$state/logs/inner.log" 2>&1 &
  echo $! >"$state/run/node.pid"
  log "starting (state and logs in $state)"
  local deadline=$((SECONDS + ${DATAPARK_KUBE_NODE_TIMEOUT:-300}))
  until node_ready; do
    if ! kill -0 "$(cat "$state/run/node.pid")" 2>/dev/null || ((SECONDS > deadline)); then
      grep -h 'command failed\|not up after\|exited' "$state"/logs/*.log >&2 || true
      echo "kube-node: the node did not become Ready; last lines of the logs:" >&2
      tail -n 15 "$state"/logs/*.log >&2 || true
      exit 1
    fi
    sleep 1
  done
  log "node $node_name Ready in $((SECONDS - started)) s; adding local volumes and CoreDNS"
  storage
  # kube-system exists once the apiserver's bootstrap controller made it.
  until admin_get /api/v1/namespaces/kube-system >/dev/null 2>&1; do sleep 0.5; done
  kube_router_rbac
  coredns
  until coredns_ready; do
    if ((SECONDS > deadline)); then
      echo "kube-node: CoreDNS not Ready; last lines of the kubelet's log:" >&2
      tail -n 15 "$state/logs/kubelet.log" >&2 || true
      exit 1
    fi
    sleep 1
  done
  log "node $node_name and CoreDNS Ready in $((SECONDS - started)) s; KUBECONFIG=$state/admin.kubeconfig"
}

stop() {
  [ "$(id -u)" -eq 0 ] || die "must run as root"
  if [ -e "$state/run/node.pid" ]; then
    local pid init
    pid=$(cat "$state/run/node.pid")
    # The unshare process's child is PID 1 of the node's PID namespace: killing it kills every
    # process in the namespace (daemons, shims, containers) and releases its mounts.
    init=$(pgrep -P "$pid" || true)
    [ -z "$init" ] || kill -KILL "$init" 2>/dev/null || true
    for ((i = 0; i < 40; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.25
    done
  fi
  # Cgroups the kubelet and runc made, deepest first (they are empty once the processes are gone).
  local c
  for c in /sys/fs/cgroup/*/; do
    [ -d "$c${cgroup_root#/}" ] || continue
    find "$c${cgroup_root#/}" -depth -type d -exec rmdir {} + 2>/dev/null || true
  done
  if ip netns list | grep -qw "$netns"; then
    ip netns del "$netns"
  fi
  ip link del "$host_if" 2>/dev/null || true
  rmdir /var/log/containers /run/containerd 2>/dev/null || true
  rm -rf "$state"
  log "stopped; $netns, the cgroups under $cgroup_root and $state removed"
}

status() {
  if [ -e "$state/run/node.pid" ] && node_ready; then
    log "node $node_name Ready; KUBECONFIG=$state/admin.kubeconfig"
  else
    log "not running"
    return 1
  fi
}

case "${1:-}" in
start) start ;;
stop) stop ;;
status) status ;;
build)
  preflight
  build
  ;;
inner) inner ;;
*) die "usage: $0 start|stop|status|build" ;;
esac
