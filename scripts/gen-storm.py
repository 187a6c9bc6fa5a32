#!/usr/bin/env python3
"""Generate alert-storm scenarios (docs: /work/shared/spec/scenario-v1.md, version 1).

A storm is a generated production world -- teams, on-call users, services in
layers with `dependsOn`, datastores, Kafka, an external API and a Kubernetes
cluster -- with K real incidents that overlap in time and M noise alerts.

The ground truth in `expect` is derived from the world this script builds (which
entity failed, which services depend on it, who owns what, who is on call), never
from any engine's behaviour:

* deployment: service X is deployed at t; its error ratio jumps at t+1m; 3-5
  services that depend on X (directly, or two hops through a service whose
  signals stay flat) see their own error/latency series rise and alert 2-8 minutes
  after t. Root cause: deployment X; actions: rollback X, and page X's team when
  that team owns none of the alerting services.
* dependency: a postgres/redis resource R saturates at t (connections, CPU or
  memory) and its latency rises; 3-5 of its direct dependents rise and alert a few
  minutes later. An on-call restarts one alerting service 4 minutes after its
  alert; nothing improves. Root cause: dependency R; page R's owner team when it
  owns no alerting service; avoid: restart.

The incidents are chosen so that no alerting service of one incident can reach
(through `dependsOn`, transitively) the root or the alerting services of another,
so every alert has exactly one failing entity upstream of it.

Noise: Alertmanager deliveries on services whose metrics stay flat -- flapping
firing/resolved pairs, mostly info/warning, a few critical -- some on services
beside the failing upstreams (co-dependencies of the alerting services, services
sharing the root's own upstreams), some on the failing upstream's other, healthy
dependents (with alert kinds that have nothing to do with a slow upstream), and a
few on healthy datastores. Every noise alert event is listed in `unrelated`.

Python 3 standard library only; deterministic from --seed. YAML is written by
hand (flow mappings for entries, JSON-style quoting where a plain scalar would be
ambiguous).

Usage:
  scripts/gen-storm.py --services 80 --teams 8 --incidents 3 --noise 200 \
      --layout hub --seed 23 --name storm-hub --out scenarios/storm-hub.yaml
"""

import argparse
import datetime as dt
import json
import random
import re
import sys

# ---------------------------------------------------------------------------
# YAML emission (flow style, hand formatted)

_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-/@#=&%+]*(?::[A-Za-z0-9_.\-/@#=&%+]+)*$")
_RESERVED = {"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"}


def ys(v):
    """One value as a YAML flow scalar/collection."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        r = repr(round(v, 6))
        return r
    if isinstance(v, str):
        if _PLAIN.match(v) and v.lower() not in _RESERVED:
            return v
        return json.dumps(v)
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {ys(x)}" for k, x in v.items()) + "}"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(ys(x) for x in v) + "]"
    raise TypeError(type(v))


def fmt_dur(seconds):
    """Seconds -> an offset like -2h10m, 17m, 21m30s, 0s."""
    s = int(round(seconds))
    neg = s < 0
    s = abs(s)
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    out = ""
    if h:
        out += f"{h}h"
    if m:
        out += f"{m}m"
    if sec or not out:
        out += f"{sec}s"
    return ("-" if neg else "") + out


# ---------------------------------------------------------------------------
# Vocabulary

COMPANIES = [
    ("Corvid Pay", "corvidpay", "a payments company"),
    ("Larkspur Travel", "larkspur", "an online travel agency"),
    ("Mossbank Retail", "mossbank", "an e-commerce marketplace"),
    ("Quillfeather Health", "quillfeather", "a telehealth provider"),
    ("Brightwater Freight", "brightwater", "a freight logistics platform"),
    ("Tallowmere Media", "tallowmere", "a video streaming service"),
]

TEAM_NAMES = [
    "lattice", "onyx", "iris", "kestrel", "meridian", "tundra", "prism", "harbor",
    "ember", "quartz", "falcon", "juniper", "cobalt", "willow", "saffron", "basalt",
    "marlin", "aurora", "cedar", "nimbus", "sparrow", "granite", "orchid", "vertex",
]

FIRST = [
    "fumiko", "thandiwe", "valeria", "bilal", "goran", "jovana", "nadia", "yusuf",
    "kalani", "jarrah", "oksana", "ines", "cosmin", "lior", "bianca", "florin",
    "amara", "bjorn", "chiara", "dmitri", "esme", "farid", "greta", "hamid",
    "ilse", "joaquin", "keiko", "lucan", "mireille", "nikolai", "odile", "pavel",
    "quentin", "rosalind", "sanjay", "tove", "ulrike", "vikram", "wanjiru", "ximena",
    "yara", "zoltan", "anouk", "bertrand", "camila", "dario", "elif", "femi",
]
LAST = [
    "Bergstrom", "Horvat", "Castellanos", "Kowalczyk", "Rasmussen", "Zhukova", "Farouk",
    "Gallagher", "Dimitrov", "Whitfield", "Okonkwo", "Lindqvist", "Moreau", "Tanaka",
    "Abernathy", "Nakamura", "Petrovic", "Oyelaran", "Sandoval", "Virtanen",
]

PREFIXES = [
    "refund", "trial", "address", "invoice", "audit", "parcel", "warehouse", "usage",
    "wallet", "tax", "review", "import", "geo", "report", "catalog", "stock", "booking",
    "seat", "kyc", "plan", "payment", "fraud", "card", "signup", "risk", "billing",
    "order", "meter", "route", "contact", "feed", "recs", "thumb", "sync", "fx",
    "tariff", "team", "slot", "ledger", "search", "cart", "promo", "loyalty", "quote",
    "shipment", "label", "pricing", "account", "session", "notify", "export", "media",
    "consent", "ticket", "dispute", "payout", "rate", "currency", "coupon", "inbox",
]
SUFFIXES = {
    0: ["bff", "gateway", "web", "edge", "portal"],
    1: ["api", "service", "router", "hub"],
    2: ["engine", "worker", "processor", "scheduler", "consumer", "indexer"],
    3: ["store", "reader", "sync", "writer", "registry"],
}

CLUSTER_LABEL = "prod-euw1"
AM_URL = "http://alertmanager.euw1.internal:9093"
PROM_URL = "http://prometheus.euw1.internal:9090"

# Noise alert kinds: (alertname, summary, allowed severities, class)
# class "benign": says nothing about request handling or upstream health (used on
# healthy dependents of a failing upstream during the incident); "capacity": a
# resource/housekeeping warning (also used beside the failing upstream);
# "runtime": anything else a flapping rule produces.
NOISE_KINDS = [
    ("KubePodCrashLooping", "a pod restarted more than 3 times in 15 minutes", ["warning"], "runtime"),
    ("ContainerMemoryNearLimit", "a container uses more than 85% of its memory limit", ["warning"], "capacity"),
    ("HPAMaxedOut", "the autoscaler is at its maximum replica count", ["info"], "capacity"),
    ("ThreadPoolQueueing", "requests are queueing in the worker thread pool", ["info"], "runtime"),
    ("JVMGCPauseHigh", "GC pauses above 200ms", ["info", "critical"], "runtime"),
    ("ErrorBudgetBurnSlow", "the 6h error budget burn rate is above 2", ["info"], "runtime"),
    ("ConfigReloadFailed", "the last configuration reload failed; running with the previous one", ["warning", "critical"], "benign"),
    ("DeploymentReplicasMismatch", "fewer replicas available than desired for 10 minutes", ["warning"], "runtime"),
    ("CronJobRunLate", "a scheduled job started more than 10 minutes late", ["warning"], "capacity"),
    ("PersistentVolumeFillingUp", "a volume will be full within 4 days", ["warning", "critical"], "benign"),
    ("CertificateExpiringSoon", "a TLS certificate expires in less than 21 days", ["info", "critical"], "benign"),
]
RESOURCE_NOISE = {
    "postgres": [
        ("PostgresVacuumBehind", "autovacuum has not run on a large table for 3 days", "warning"),
        ("PostgresBackupLate", "the last base backup is older than 26 hours", "info"),
    ],
    "redis": [
        ("RedisRDBSaveSlow", "the last RDB snapshot took longer than 60s", "info"),
        ("RedisBackupLate", "the last snapshot upload is older than 26 hours", "warning"),
    ],
}


# ---------------------------------------------------------------------------
# World

class World:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.order = []           # catalog refs, in emission order
        self.entities = {}        # ref -> dict(kind, id, title, properties, relations)
        self.deps = {}            # ref -> [ref] (dependsOn)
        self.owner = {}           # ref -> team ref
        self.layer = {}           # service ref -> layer index
        self.series = []          # metric series dicts
        self.timeline = []        # (at_seconds, seq, event dict)
        self.seq = 0

    # -- helpers --------------------------------------------------------------
    def add(self, kind, id_, title=None, properties=None, relations=None):
        ref = f"{kind}:{id_}"
        assert ref not in self.entities, ref
        self.entities[ref] = {"kind": kind, "id": id_, "title": title,
                              "properties": properties or {}, "relations": relations or {}}
        self.order.append(ref)
        return ref

    def ts(self, seconds):
        t = self.start + dt.timedelta(seconds=int(round(seconds)))
        return t.strftime("%Y-%m-%dT%H:%M:%SZ")

    def hexid(self, n=16):
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(n))

    def event(self, at, ev):
        self.seq += 1
        self.timeline.append((at, self.seq, ev))

    # -- catalog --------------------------------------------------------------
    def build_catalog(self):
        a, rng = self.args, self.rng
        self.company, self.domain, self.business = rng.choice(COMPANIES)
        day = dt.date(2027, 1, 4) + dt.timedelta(days=rng.randrange(0, 300))
        self.start = dt.datetime(day.year, day.month, day.day, rng.randrange(8, 20), 0, 0)

        # teams and users
        team_ids = rng.sample(TEAM_NAMES, a.teams) if a.teams <= len(TEAM_NAMES) else \
            [f"{TEAM_NAMES[i % len(TEAM_NAMES)]}{i // len(TEAM_NAMES) + 1}" for i in range(a.teams)]
        firsts = FIRST[:]
        rng.shuffle(firsts)
        self.teams, self.members, self.oncall = [], {}, {}
        for i, t in enumerate(team_ids):
            tref = self.add("team", t, t.capitalize(), {"slack_channel": f"#{t}-oncall"})
            self.teams.append(tref)
            users = []
            for j in range(2):
                k = 2 * i + j
                fn = firsts[k % len(firsts)] + ("" if k < len(firsts) else str(k // len(firsts) + 1))
                name = f"{fn.capitalize().rstrip('0123456789')} {rng.choice(LAST)}"
                uref = self.add("user", fn, name,
                                {"email": f"{fn}@{self.domain}.example", "slack_id": "U" + fn.upper()},
                                {"memberOf": tref})
                users.append(uref)
            self.members[tref] = users
            self.oncall[tref] = users[0]

        # which team runs what
        shuffled = self.teams[:]
        rng.shuffle(shuffled)
        data_teams = shuffled[:2] if len(shuffled) > 3 else shuffled[:1]
        stream_team = shuffled[2 % len(shuffled)]
        platform_team = shuffled[3 % len(shuffled)]
        edge_team = shuffled[-1]

        n = a.services
        n_pg = max(2, round(n / 22))
        n_redis = max(2, round(n / 28))
        n_topics = max(3, round(n / 16))
        n_ext = 1 if n < 100 else 2

        self.k8s = None
        self.k8s = self.add("resource", "k8s-prod-euw1", "Kubernetes cluster prod-euw1", {
            "type": "kubernetes-cluster",
            "signals": [
                {"name": "nodes-ready", "type": "health", "metric": "kube_nodes_all_ready",
                 "match": {"cluster": "k8s-prod-euw1"}},
                {"name": "cpu-requested", "type": "saturation", "metric": "kube_cluster_cpu_requested_ratio",
                 "match": {"cluster": "k8s-prod-euw1"}},
            ]}, {"ownedBy": platform_team})
        self.owner[self.k8s] = platform_team
        self.deps[self.k8s] = []
        self.series.append(gauge("kube_nodes_all_ready", {"cluster": "k8s-prod-euw1"}, 1, noise=None))
        self.series.append(gauge("kube_cluster_cpu_requested_ratio", {"cluster": "k8s-prod-euw1"},
                                 round(rng.uniform(0.55, 0.7), 2), noise=0.02))
        hub = a.layout == "hub"

        words = ["tenants", "billing", "events", "orders", "ledger", "catalog", "identity",
                 "payments", "search", "shipping", "reports", "loyalty", "pricing", "audit",
                 "inventory", "bookings", "accounts", "profiles"]
        rng.shuffle(words)
        self.pgs, self.redises, self.topics, self.externals = [], [], [], []
        for i in range(n_pg):
            rid = f"pg-{words[i % len(words)]}" + ("" if i < len(words) else str(i))
            team = data_teams[i % len(data_teams)]
            ref = self.add("resource", rid, f"Postgres {rid[3:]}", {
                "type": "postgres",
                "actions": ["failover"],
                "alert_labels": {"db_cluster": rid},
                "signals": [
                    {"name": "cpu", "type": "saturation", "metric": "pg_node_cpu_ratio", "match": {"db_cluster": rid}},
                    {"name": "connections", "type": "saturation", "metric": "pg_connections_used_ratio", "match": {"db_cluster": rid}},
                    {"name": "query-latency", "type": "latency", "metric": "pg_query_p95_seconds", "match": {"db_cluster": rid}},
                    {"name": "up", "type": "health", "metric": "pg_instance_up", "match": {"db_cluster": rid}},
                ]}, {"ownedBy": team})
            self.owner[ref], self.deps[ref] = team, []
            self.pgs.append(ref)
            self.base_pg = getattr(self, "base_pg", {})
            self.base_pg[ref] = dict(cpu=round(rng.uniform(0.18, 0.45), 2), conn=round(rng.uniform(0.2, 0.45), 2),
                                     lat=round(rng.uniform(0.008, 0.03), 3))
        rwords = ["sessions", "ratelimit", "cart", "feature-flags", "tokens", "quotes", "geo", "locks",
                  "carts", "previews", "dedupe", "counters"]
        rng.shuffle(rwords)
        for i in range(n_redis):
            rid = f"redis-{rwords[i % len(rwords)]}" + ("" if i < len(rwords) else str(i))
            team = data_teams[(i + 1) % len(data_teams)]
            ref = self.add("resource", rid, f"Redis {rid[6:]}", {
                "type": "redis",
                "alert_labels": {"redis_instance": rid},
                "signals": [
                    {"name": "memory", "type": "saturation", "metric": "redis_memory_used_ratio", "match": {"redis_instance": rid}},
                    {"name": "latency", "type": "latency", "metric": "redis_command_p99_seconds", "match": {"redis_instance": rid}},
                ]}, {"ownedBy": team, **({"dependsOn": [self.k8s]} if hub else {})})
            self.owner[ref], self.deps[ref] = team, ([self.k8s] if hub else [])
            self.redises.append(ref)
            self.base_redis = getattr(self, "base_redis", {})
            self.base_redis[ref] = dict(mem=round(rng.uniform(0.4, 0.65), 2), lat=round(rng.uniform(0.001, 0.004), 4))
        kafka = self.add("resource", "kafka-core", "Kafka cluster core", {
            "type": "kafka-cluster",
            "actions": ["failover"],
            "signals": [
                {"name": "brokers-online", "type": "health", "metric": "kafka_cluster_all_brokers_online", "match": {"kafka_cluster": "kafka-core"}},
                {"name": "under-replicated", "type": "saturation", "metric": "kafka_partitions_under_replicated", "match": {"kafka_cluster": "kafka-core"}},
            ]}, {"ownedBy": stream_team, **({"dependsOn": [self.k8s]} if hub else {})})
        self.owner[kafka], self.deps[kafka] = stream_team, ([self.k8s] if hub else [])
        self.kafka = kafka
        twords = ["inventory-changes", "webhooks", "audit-log", "clickstream", "order-events", "payment-events",
                  "notifications", "price-updates", "shipment-events", "user-events", "ledger-entries",
                  "search-updates", "email-outbox", "fraud-signals", "metering", "exports", "refunds",
                  "bookings", "reviews", "stock-levels"]
        rng.shuffle(twords)
        for i in range(n_topics):
            tid = f"topic-{twords[i % len(twords)]}" + ("" if i < len(twords) else str(i))
            ref = self.add("resource", tid, f"Topic {tid[6:]}", {"type": "kafka-topic"},
                           {"ownedBy": stream_team, "dependsOn": [kafka]})
            self.owner[ref], self.deps[ref] = stream_team, [kafka]
            self.topics.append(ref)
        ewords = [("sms-gateway", "SMS gateway"), ("card-network", "Card network"), ("maps-api", "Maps API"),
                  ("email-relay", "Email relay"), ("kyc-vendor", "KYC vendor")]
        rng.shuffle(ewords)
        for i in range(n_ext):
            eid, et = ewords[i]
            team = rng.choice(self.teams)
            ref = self.add("resource", eid, f"{et} (external)", {
                "type": "external-api",
                "signals": [{"name": "reachability", "type": "health", "metric": "probe_success", "match": {"probe": eid}}],
            }, {"ownedBy": team})
            self.owner[ref], self.deps[ref] = team, []
            self.externals.append(ref)

        # services: grouped into domains (bounded contexts), each layered
        # edge -> api -> core -> store -> datastores; a few calls cross domains.
        if a.layout == "mesh":
            nl = 6
            fr = [0.14, 0.18, 0.2, 0.18, 0.16, 0.14]
            cross = 0.12
        else:
            nl = 4
            fr = [0.22, 0.28, 0.28, 0.22]
            cross = 0.06
        n_dom = max(2, round(n / 12))
        dom_sizes = [n // n_dom + (1 if i < n % n_dom else 0) for i in range(n_dom)]
        used_names = set()
        layers = [[] for _ in range(nl)]
        domain_layers = []
        dom_of = {}
        for di, dn in enumerate(dom_sizes):
            sizes = [max(1, round(dn * f)) for f in fr]
            while sum(sizes) > dn:
                sizes[sizes.index(max(sizes))] -= 1
            while sum(sizes) < dn:
                sizes[sizes.index(min(sizes))] += 1
            dl = []
            for li, sz in enumerate(sizes):
                sufl = SUFFIXES[min(3, round(li * 3 / (nl - 1)))]
                names = []
                for _ in range(sz):
                    for _try in range(1000):
                        nm = f"{rng.choice(PREFIXES)}-{rng.choice(sufl)}"
                        if nm not in used_names:
                            break
                    else:
                        nm = f"{rng.choice(PREFIXES)}-{rng.choice(sufl)}-{len(used_names)}"
                    used_names.add(nm)
                    names.append(nm)
                    dom_of[nm] = di
                dl.append(names)
                layers[li].extend(names)
            domain_layers.append(dl)
        self.layers = layers
        # datastores belong to domains (round robin); a domain may use another's
        dom_stores = [[] for _ in range(n_dom)]
        for i, r in enumerate(self.pgs + self.redises):
            dom_stores[i % n_dom].append(r)
        for di in range(n_dom):
            if not dom_stores[di]:
                dom_stores[di].append(rng.choice(self.pgs + self.redises))
        # popularity: a few services are called by many
        pop = {nm: rng.paretovariate(1.3) for names in layers for nm in names}
        dom_team = [self.teams[i % len(self.teams)] for i in range(n_dom)]
        rng.shuffle(dom_team)
        team_of = {}
        for nm, di in dom_of.items():
            r = rng.random()
            team_of[nm] = dom_team[di] if r < 0.6 else rng.choice(self.teams)
        for nm in layers[0]:
            if rng.random() < 0.2:
                team_of[nm] = edge_team

        def pick_weighted(cands, k):
            cands = list(cands)
            out = []
            for _ in range(min(k, len(cands))):
                tot = sum(pop[c] for c in cands)
                r = rng.uniform(0, tot)
                for c in cands:
                    r -= pop[c]
                    if r <= 0:
                        break
                out.append(c)
                cands.remove(c)
            return out

        svc_deps = {}
        for nm, di in dom_of.items():
            dl = domain_layers[di]
            li = next(i for i in range(nl) if nm in dl[i])
            d = []
            if a.layout == "mesh":
                k = rng.choice([1, 2, 2, 3, 3, 4])
            else:
                k = rng.choice([1, 1, 2, 2, 3])
            for _ in range(k):
                if a.layout == "mesh":
                    lj = rng.randrange(li + 1, nl) if li + 1 < nl else None
                else:
                    lj = li + 1 if li + 1 < nl else None
                    if lj is not None and li + 2 < nl and rng.random() < 0.15:
                        lj = li + 2
                if lj is None:
                    break
                if rng.random() < cross:
                    pool = [x for x in layers[lj] if dom_of[x] != di]
                else:
                    pool = [x for j in range(lj, nl) for x in dl[j]] if not dl[lj] else dl[lj]
                pool = [x for x in pool if x not in d]
                if pool:
                    d += pick_weighted(pool, 1)
            res = []
            depth = li / (nl - 1)
            if not d or rng.random() < 0.15 + 0.85 * depth:
                if rng.random() < 0.85:
                    res.append(rng.choice(dom_stores[di]) if rng.random() < 0.9 else rng.choice(self.pgs + self.redises))
                else:
                    res.append(rng.choice(self.externals))
            if rng.random() < 0.1 + 0.2 * depth:
                res.append(rng.choice(self.topics))
            if a.layout == "mesh" and rng.random() < 0.2:
                res.append(rng.choice(dom_stores[di]))
            res = list(dict.fromkeys(res))
            svc_deps[nm] = (d, res)

        for li, names in enumerate(layers):
            for nm in names:
                ref = f"service:{nm}"
                d, res = svc_deps[nm]
                deps = [f"service:{x}" for x in d] + res
                if hub:
                    deps.append(self.k8s)
                self.deps[ref] = deps
                self.owner[ref] = team_of[nm]
                self.layer[ref] = li

        # properties, metrics
        svc_refs = [f"service:{nm}" for names in layers for nm in names]
        rng.shuffle(svc_refs)   # catalog order does not follow the layers
        self.services = svc_refs
        self.base = {}
        self.pd_id = {}
        for ref in svc_refs:
            nm = ref.split(":", 1)[1]
            acts = ["restart", "rollback"] + (["scale-out"] if rng.random() < 0.45 else [])
            props = {"actions": acts, "replicas": rng.randrange(2, 15)}
            if rng.random() < 0.08:
                team = self.owner[ref].split(":", 1)[1]
                props["alert_labels"] = {"workload": nm, "namespace": f"prod-{team}"}
            sigs = [
                {"name": "errors", "type": "errors", "metric": "http_server_error_ratio", "match": {"service": nm}},
                {"name": "latency", "type": "latency", "metric": "http_server_p99_seconds", "match": {"service": nm}},
            ]
            for dref in self.deps[ref]:
                if dref in self.topics:
                    tid = dref.split(":", 1)[1]
                    sigs.append({"name": f"lag-{tid}", "type": "lag", "metric": "kafka_consumer_group_lag",
                                 "match": {"group": nm, "topic": tid}})
            props["signals"] = sigs
            self.entities[ref] = None  # placeholder, filled below (keeps emission order)
            self.order.append(ref)
            err = round(rng.uniform(0.0005, 0.004), 4)
            lat = round(rng.uniform(0.04, 0.6), 3)
            self.base[ref] = {"err": err, "lat": lat, "lat_noise": rng.choice([0.06, 0.06, 0.12])}
            self.entities[ref] = {"kind": "service", "id": nm, "title": nm.replace("-", " ").capitalize(),
                                  "properties": props,
                                  "relations": {"ownedBy": self.owner[ref], "dependsOn": self.deps[ref]}}
        # dependents index
        self.dependents = {}
        for ref, ds in self.deps.items():
            for d in ds:
                self.dependents.setdefault(d, []).append(ref)
        for k in self.dependents:
            self.dependents[k].sort()
        self._up = {}

    def upstream(self, ref):
        """Transitive dependsOn closure (without ref itself)."""
        if ref in self._up:
            return self._up[ref]
        seen, stack = set(), list(self.deps.get(ref, []))
        while stack:
            x = stack.pop()
            if x in seen:
                continue
            seen.add(x)
            stack.extend(self.deps.get(x, []))
        self._up[ref] = seen
        return seen

    def downstream(self, ref):
        seen, stack = set(), list(self.dependents.get(ref, []))
        while stack:
            x = stack.pop()
            if x in seen:
                continue
            seen.add(x)
            stack.extend(self.dependents.get(x, []))
        return seen

    # -- incidents ------------------------------------------------------------
    def choose_incidents(self):
        a, rng = self.args, self.rng
        k = a.incidents
        kinds = ["deployment", "dependency"] + [rng.choice(["deployment", "dependency"]) for _ in range(max(0, k - 2))]
        kinds = kinds[:k]
        rng.shuffle(kinds)
        for attempt in range(2000):
            incs = []
            ok = True
            for kind in kinds:
                inc = self._try_incident(kind, incs)
                if inc is None:
                    ok = False
                    break
                incs.append(inc)
            if ok:
                self.incidents = incs
                return
        sys.exit(f"gen-storm: could not place {k} independent incidents in this world; "
                 f"try another --seed or more --services")

    def _try_incident(self, kind, incs):
        rng = self.rng
        involved = set()
        for i in incs:
            involved |= i["involved"]
        if kind == "deployment":
            roots = [s for s in self.services if self.layer[s] > 0]
        else:
            roots = self.pgs + self.redises
        roots = [r for r in roots if r not in involved]
        rng.shuffle(roots)
        for root in roots[:40]:
            direct = [d for d in self.dependents.get(root, []) if d.startswith("service:") and d not in involved]
            two_hop = []   # (alerting, via)
            if kind == "deployment":
                for b in direct:
                    for a2 in self.dependents.get(b, []):
                        if a2.startswith("service:") and a2 not in involved and a2 not in direct and root not in self.deps[a2]:
                            two_hop.append((a2, b))
            if len(direct) + (1 if two_hop else 0) < 3:
                continue
            want = rng.randint(3, 5)
            n2 = 0
            if two_hop and kind == "deployment":
                n2 = rng.choice([0, 1, 1, 2]) if len(direct) >= 2 else 1
            n2 = min(n2, len(two_hop))
            n1 = min(len(direct), want - n2)
            if n1 + n2 < 3:
                n2 = min(len(two_hop), 3 - n1)
            if n1 + n2 < 3:
                continue
            alerting = rng.sample(direct, n1)
            vias = set()
            rng.shuffle(two_hop)
            for a2, b in two_hop:
                if n2 == 0:
                    break
                if a2 in alerting or b in alerting or a2 in vias:
                    continue
                # the flat middle must not also be made to alert
                alerting.append(a2)
                vias.add(b)
                n2 -= 1
            # a via must not be alerting and an alerting service must not be a via
            if vias & set(alerting) or len(alerting) < 3:
                continue
            # 2-hop services must not be reachable from the root via a failing path other than a via
            inv = {root} | set(alerting) | vias
            if inv & involved:
                continue
            # independence: nothing failing in one incident is upstream of another's
            mine_up = set(self.upstream(root))
            for s in alerting:
                mine_up |= self.upstream(s)
            clash = False
            for o in incs:
                if mine_up & o["failing"]:
                    clash = True
                    break
                if o["upstream"] & ({root} | set(alerting)):
                    clash = True
                    break
            if clash:
                continue
            # a deployment root must not depend (transitively) on a datastore that fails elsewhere; covered above.
            return {"kind": kind, "root": root, "alerting": alerting, "vias": sorted(vias),
                    "involved": inv, "failing": {root} | set(alerting), "upstream": mine_up}
        return None

    # -- timeline of the real incidents ----------------------------------------
    def play_incidents(self):
        rng = self.rng
        k = len(self.incidents)
        t0 = rng.randrange(10, 22) * 60
        starts = [t0, t0 + rng.randrange(60, 300)]   # two within 5 minutes
        for _ in range(k - 2):
            starts.append(t0 + rng.randrange(3, 22) * 60 + rng.randrange(0, 60))
        starts = starts[:k]
        self.real_alerts = []    # (at, kind, dict) to be assigned ids later
        self.metric_over = {}    # ref -> dict(err=(from, value), lat=(from, value))
        for inc, t in zip(self.incidents, starts):
            inc["t"] = t
            inc["events"] = []
            if inc["kind"] == "deployment":
                self._play_deploy(inc, t)
            else:
                self._play_dependency(inc, t)

    def _onsets(self, inc, t, first_onset_min, first_onset_max):
        """Metric onset, alert startsAt and delivery for each alerting service."""
        rng = self.rng
        out = {}
        for s in inc["alerting"]:
            for _ in range(100):
                onset = t + rng.randint(first_onset_min, first_onset_max)
                starts = onset + rng.randint(60, 120)
                at = starts + rng.randint(10, 40)
                if inc["kind"] != "deployment" or (t + 150 <= at <= t + 480):
                    break
            out[s] = (onset, starts, at)
        return out

    def _play_deploy(self, inc, t):
        rng = self.rng
        x = inc["root"]
        xb = self.base[x]
        by = rng.choice(self.members[self.owner[x]])
        major = rng.randrange(1, 12)
        version = f"{major}.{rng.randrange(0, 40)}.{rng.randrange(0, 4)}"
        inc["version"] = version
        self.event(t, {"deploy": {"service": x, "version": version, "by": by, "commit": self.hexid(8)}})
        self.metric_over[x] = {"err": (t + 60, round(rng.uniform(0.18, 0.42), 3)),
                               "lat": (t + 60, round(xb["lat"] * rng.uniform(1.2, 1.5), 3))}
        times = self._onsets(inc, t, 80, 300)
        for s, (onset, starts, at) in times.items():
            b = self.base[s]
            self.metric_over[s] = {"err": (onset, round(rng.uniform(0.08, 0.3), 3)),
                                   "lat": (onset, round(b["lat"] * rng.uniform(1.6, 3.2), 3))}
        inc["times"] = times
        self._emit_real_alerts(inc, "errors")

    def _play_dependency(self, inc, t):
        rng = self.rng
        r = inc["root"]
        if r in self.pgs:
            bp = self.base_pg[r]
            mode = rng.choice(["connections", "cpu"])
            inc["mode"] = mode
            key = "pg_connections_used_ratio" if mode == "connections" else "pg_node_cpu_ratio"
            base = bp["conn"] if mode == "connections" else bp["cpu"]
            top = 1.0 if mode == "connections" else 0.98
            self.res_over = getattr(self, "res_over", {})
            self.res_over[(key, r)] = [{"from": t - rng.randint(240, 480), "value": base, "ramp_to": top},
                                       {"from": t, "value": top}]
            self.res_over[("pg_query_p95_seconds", r)] = [{"from": t, "value": round(bp["lat"] * rng.uniform(40, 90), 3)}]
        else:
            br = self.base_redis[r]
            inc["mode"] = "memory"
            self.res_over = getattr(self, "res_over", {})
            self.res_over[("redis_memory_used_ratio", r)] = [{"from": t - rng.randint(420, 720), "value": br["mem"], "ramp_to": 1.0},
                                                             {"from": t, "value": 1.0}]
            self.res_over[("redis_command_p99_seconds", r)] = [{"from": t, "value": round(rng.uniform(0.2, 0.5), 3)}]
        times = self._onsets(inc, t, 60, 240)
        for s, (onset, starts, at) in times.items():
            b = self.base[s]
            self.metric_over[s] = {"err": (onset, round(rng.uniform(0.1, 0.3), 3)),
                                   "lat": (onset, round(max(1.0, b["lat"] * rng.uniform(4, 9)), 3))}
        inc["times"] = times
        self._emit_real_alerts(inc, "timeouts")
        # an on-call restarts one AM-alerting service 4 minutes after its alert: nothing improves
        cands = [s for s in inc["alerting"] if s != inc.get("pd_service")]
        s = rng.choice(cands)
        at = times[s][2] + 240
        inc["restart"] = (s, at)
        self.event(at, {"action": {"name": "restart", "target": s, "by": self.oncall[self.owner[s]],
                                   "result": "succeeded"}})

    def _emit_real_alerts(self, inc, flavour):
        rng = self.rng
        order = sorted(inc["alerting"], key=lambda s: inc["times"][s][2])
        pd_s = rng.choice(order[1:] if len(order) > 1 else order)  # one arrives through PagerDuty
        inc["pd_service"] = pd_s
        self.pd_id[pd_s] = "P" + "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(6))
        am_payloads = {}
        for s in order:
            onset, starts, at = inc["times"][s]
            team = self.owner[s]
            tid = team.split(":", 1)[1]
            nm = s.split(":", 1)[1]
            mo = self.metric_over[s]
            if s == pd_s:
                pd_inc = "Q" + "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(12))
                number = rng.randrange(1000, 40000)
                if flavour == "errors":
                    title = f"{nm}: error rate {round(mo['err'][1] * 100)}% (5xx)"
                    key = f"{nm}-error-rate"
                else:
                    title = f"{nm}: p99 {mo['lat'][1]:.1f}s, calls timing out"
                    key = f"{nm}-latency"
                oncall = self.oncall[team]
                uname = self.entities[oncall]["title"]
                uid = "PU" + oncall.split(":", 1)[1].upper()[:5]
                svc_ref = {"id": self.pd_id[s], "type": "service_reference", "summary": nm,
                           "html_url": f"https://{self.domain}.pagerduty.com/services/{self.pd_id[s]}"}
                payload = {"event": {
                    "id": "01" + "".join(rng.choice("0123456789ABCDEFGHJKMNPQRSTVWXYZ") for _ in range(24)),
                    "event_type": "incident.triggered",
                    "resource_type": "incident",
                    "occurred_at": self.ts(at)[:-1] + ".000Z",
                    "agent": {"id": "PDTDOG1", "type": "service_reference", "summary": "Datadog"},
                    "client": {"name": "Datadog", "url": f"https://app.datadoghq.example/monitors/{rng.randrange(1000000, 9999999)}"},
                    "data": {
                        "id": pd_inc, "type": "incident",
                        "self": f"https://api.pagerduty.com/incidents/{pd_inc}",
                        "html_url": f"https://{self.domain}.pagerduty.com/incidents/{pd_inc}",
                        "number": number, "status": "triggered", "incident_key": key,
                        "created_at": self.ts(at), "title": title,
                        "service": svc_ref,
                        "assignees": [{"id": uid, "type": "user_reference", "summary": uname}],
                        "escalation_policy": {"id": "PEP" + tid.upper()[:4], "type": "escalation_policy_reference", "summary": tid.capitalize()},
                        "teams": [{"id": "PT" + tid.upper()[:5], "type": "team_reference", "summary": tid.capitalize()}],
                        "priority": {"id": "PPRI1", "type": "priority_reference", "summary": "P1"},
                        "urgency": "high"}}}
                self.real_alerts.append((at, "pd", payload, inc))
                ack_at = at + rng.randint(90, 240)
                ack = {"event": {
                    "id": "01" + "".join(rng.choice("0123456789ABCDEFGHJKMNPQRSTVWXYZ") for _ in range(24)),
                    "event_type": "incident.acknowledged",
                    "resource_type": "incident",
                    "occurred_at": self.ts(ack_at)[:-1] + ".000Z",
                    "agent": {"id": uid, "type": "user_reference", "summary": uname},
                    "client": None,
                    "data": {
                        "id": pd_inc, "type": "incident", "number": number, "status": "acknowledged",
                        "incident_key": key, "created_at": self.ts(at), "title": title,
                        "service": {"id": self.pd_id[s], "type": "service_reference", "summary": nm},
                        "assignees": [{"id": uid, "type": "user_reference", "summary": uname}],
                        "urgency": "high"}}}
                self.real_alerts.append((ack_at, "pd", ack, inc))
                continue
            if flavour == "errors":
                alertname = "HTTPErrorRatioHigh"
                summary = f"{nm} answers more than 5% errors"
                desc = "5xx ratio above threshold for 5 minutes"
            else:
                alertname = rng.choice(["UpstreamTimeoutsHigh", "UpstreamTimeoutsHigh", "HTTPLatencyP99Elevated"])
                if alertname == "UpstreamTimeoutsHigh":
                    summary = f"{nm}: more than 5% of calls time out"
                    desc = "context deadline exceeded"
                else:
                    summary = f"{nm}: p99 latency above 1s for 3 minutes"
                    desc = ""
            labels = self.alert_labels(s, alertname, "critical")
            payload = am_payload(alertname, labels, tid, "critical", summary, desc, self.ts(starts), None,
                                 self.hexid(), firing=True)
            am_payloads[s] = (payload, at)
            self.real_alerts.append((at, "am", payload, inc))
        # one Alertmanager repeat notification (repeat_interval 5m on the pager route)
        rs = rng.choice(list(am_payloads))
        payload, at = am_payloads[rs]
        self.real_alerts.append((at + 300, "am", payload, inc))

    def alert_labels(self, s, alertname, severity):
        e = self.entities[s]
        tid = self.owner[s].split(":", 1)[1]
        labels = {"alertname": alertname, "severity": severity}
        al = e["properties"].get("alert_labels")
        if al:
            labels.update(al)
        else:
            key = self.rng.choices(["service", "app", "job"], [0.55, 0.33, 0.12])[0]
            labels[key] = e["id"]
        labels["team"] = tid
        labels["cluster"] = CLUSTER_LABEL
        return labels

    # -- red herrings ---------------------------------------------------------
    def red_herrings(self):
        rng = self.rng
        involved = set()
        for inc in self.incidents:
            involved |= inc["involved"]
        self.herrings = []
        for inc in self.incidents:
            # a plausible suspect: another upstream of an alerting service, deployed 1-3 h earlier
            co = set()
            for s in inc["alerting"]:
                co |= {d for d in self.deps[s] if d.startswith("service:")}
            co = sorted(co - involved - set(self.herrings))
            if not co:
                co = sorted(set(self.services) - involved - set(self.herrings))
            h = rng.choice(co)
            self.herrings.append(h)
            at = inc["t"] - rng.randint(60, 180) * 60
            at = max(at, -3 * 3600 + 600)
            self.event(at, {"deploy": {"service": h, "version": f"{rng.randrange(1, 12)}.{rng.randrange(0, 40)}.{rng.randrange(0, 4)}",
                                       "by": rng.choice(self.members[self.owner[h]]), "commit": self.hexid(8)}})
        # and a couple of unremarkable deploys elsewhere
        for _ in range(2):
            h = rng.choice(sorted(set(self.services) - involved - set(self.herrings)))
            self.herrings.append(h)
            self.event(-rng.randint(100, 170) * 60, {"deploy": {"service": h, "version": f"{rng.randrange(1, 12)}.{rng.randrange(0, 40)}.0",
                                                              "by": rng.choice(self.members[self.owner[h]]), "commit": self.hexid(8)}})

    # -- noise ----------------------------------------------------------------
    def noise(self):
        a, rng = self.args, self.rng
        involved, failing = set(), set()
        for inc in self.incidents:
            involved |= inc["involved"]
            failing |= inc["failing"]
        affected = set()
        for f in failing:
            affected |= self.downstream(f)
        general = [s for s in self.services if s not in involved and s not in affected]
        near, sib = [], []
        for inc in self.incidents:
            n = set()
            for s in inc["alerting"]:
                n |= {d for d in self.deps[s] if d.startswith("service:")}
            for u in self.deps[inc["root"]]:
                if u in (self.k8s, self.kafka):
                    continue
                n |= {d for d in self.dependents.get(u, []) if d.startswith("service:")}
            if inc["root"].startswith("service:"):
                n |= {d for d in self.deps[inc["root"]] if d.startswith("service:")}
            n = sorted(n - involved - affected)
            near.append(n)
            sib.append(sorted(d for d in self.dependents.get(inc["root"], [])
                              if d.startswith("service:") and d not in involved))
        healthy_res = []
        for r in self.pgs + self.redises:
            if any(r == inc["root"] or r in inc["upstream"] for inc in self.incidents):
                continue
            healthy_res.append(r)
        self.noise_events = []
        total = a.noise
        inc_lo = min(i["t"] for i in self.incidents)
        inc_hi = max(i["t"] for i in self.incidents)
        while len(self.noise_events) < total:
            left = total - len(self.noise_events)
            r = rng.random()
            classes = ("benign", "capacity", "runtime")
            window = (-30 * 60, 100 * 60)
            target = None
            if r < 0.12 and any(near):
                i = rng.choice([j for j in range(len(near)) if near[j]])
                target = rng.choice(near[i])
                t = self.incidents[i]["t"]
                window = (t - 600, t + 1500)
                classes = ("benign", "capacity")
            elif r < 0.22 and any(sib):
                i = rng.choice([j for j in range(len(sib)) if sib[j]])
                target = rng.choice(sib[i])
                t = self.incidents[i]["t"]
                window = (t - 600, t + 1500)
                classes = ("benign",)
            elif r < 0.26 and healthy_res:
                target = rng.choice(healthy_res)
            else:
                target = rng.choice(general)
            if target in affected:
                classes = ("benign",)
            self._noise_episode(target, window, classes, left)

    def _noise_episode(self, target, window, classes, left):
        rng = self.rng
        tid = self.owner[target].split(":", 1)[1]
        if target.startswith("resource:"):
            typ = self.entities[target]["properties"]["type"]
            alertname, summary, severity = rng.choice(RESOURCE_NOISE[typ])
            labels = {"alertname": alertname, "severity": severity}
            labels.update(self.entities[target]["properties"]["alert_labels"])
            labels["team"] = tid
            labels["cluster"] = CLUSTER_LABEL
        else:
            kinds = [k for k in NOISE_KINDS if k[3] in classes]
            alertname, summary, sevs, _ = rng.choice(kinds)
            severity = sevs[0]
            # a few page; never beside a failing upstream during its incident
            if len(sevs) > 1 and len(classes) == 3 and rng.random() < 0.25:
                severity = sevs[1]
            labels = self.alert_labels(target, alertname, severity)
        flap = rng.random() < 0.7
        desc = "flapping around its threshold" if flap and rng.random() < 0.7 else ""
        fp = self.hexid()
        n_ev = 1 if not flap else rng.choice([2, 2, 2, 3, 4])
        n_ev = min(n_ev, left)
        t = rng.randint(*window)
        starts = t - rng.randint(20, 60)
        for k in range(n_ev):
            firing = (k % 2 == 0)
            if firing:
                payload = am_payload(alertname, labels, tid, severity, summary, desc, self.ts(starts), None, fp, True)
            else:
                payload = am_payload(alertname, labels, tid, severity, summary, desc, self.ts(starts), self.ts(t - rng.randint(5, 30)), fp, False)
            self.noise_events.append((t, payload))
            t += rng.randint(120, 720)
            if not firing:
                starts = t - rng.randint(20, 60)

    # -- metrics ---------------------------------------------------------------
    def build_metrics(self):
        rng = self.rng
        frm = "-4h"
        for ref in self.pgs:
            b = self.base_pg[ref]
            rid = ref.split(":", 1)[1]
            lab = {"db_cluster": rid}
            ro = getattr(self, "res_over", {})
            self.series.append(gauge("pg_node_cpu_ratio", lab, b["cpu"], 0.04, ro.get(("pg_node_cpu_ratio", ref))))
            self.series.append(gauge("pg_connections_used_ratio", lab, b["conn"], 0.03, ro.get(("pg_connections_used_ratio", ref))))
            self.series.append(gauge("pg_query_p95_seconds", lab, b["lat"], 0.08, ro.get(("pg_query_p95_seconds", ref))))
            self.series.append(gauge("pg_instance_up", lab, 1, None))
        for ref in self.redises:
            b = self.base_redis[ref]
            rid = ref.split(":", 1)[1]
            lab = {"redis_instance": rid}
            ro = getattr(self, "res_over", {})
            self.series.append(gauge("redis_memory_used_ratio", lab, b["mem"], 0.01, ro.get(("redis_memory_used_ratio", ref))))
            self.series.append(gauge("redis_command_p99_seconds", lab, b["lat"], 0.05, ro.get(("redis_command_p99_seconds", ref))))
        self.series.append(gauge("kafka_cluster_all_brokers_online", {"kafka_cluster": "kafka-core"}, 1, None))
        self.series.append(gauge("kafka_partitions_under_replicated", {"kafka_cluster": "kafka-core"}, 0, None))
        for e in self.externals:
            self.series.append(gauge("probe_success", {"probe": e.split(":", 1)[1]}, 1, None))
        for ref in self.services:
            nm = ref.split(":", 1)[1]
            b = self.base[ref]
            mo = self.metric_over.get(ref)
            err_over = [{"from": mo["err"][0], "value": mo["err"][1]}] if mo else None
            lat_over = [{"from": mo["lat"][0], "value": mo["lat"][1]}] if mo else None
            self.series.append(gauge("http_server_error_ratio", {"service": nm}, b["err"], 0.1, err_over))
            self.series.append(gauge("http_server_p99_seconds", {"service": nm}, b["lat"], b["lat_noise"], lat_over))
            for sig in self.entities[ref]["properties"]["signals"]:
                if sig["type"] == "lag":
                    self.series.append(gauge("kafka_consumer_group_lag", sig["match"], rng.randrange(40, 400), 0.05))

    # -- assemble ---------------------------------------------------------------
    def assemble(self):
        # alerts get ids in arrival order, so an id says nothing about what an alert is
        alerts = []
        for at, src, payload, inc in self.real_alerts:
            alerts.append((at, src, payload, inc))
        for at, payload in self.noise_events:
            alerts.append((at, "am", payload, None))
        alerts.sort(key=lambda x: x[0])
        n_am = n_pd = 0
        self.unrelated = []
        for at, src, payload, inc in alerts:
            if src == "am":
                n_am += 1
                eid = f"am-{n_am:04d}"
            else:
                n_pd += 1
                eid = f"pd-{n_pd:03d}"
            if inc is None:
                self.unrelated.append(eid)
            else:
                inc["events"].append(eid)
            self.event(at, {"id": eid, "alert": {"source": "alertmanager" if src == "am" else "pagerduty", "payload": payload}})
        self.timeline.sort(key=lambda x: (x[0], x[1]))

    def expectations(self):
        out = []
        for inc in self.incidents:
            root = inc["root"]
            alert_teams = []
            for s in sorted(inc["alerting"], key=lambda s: inc["times"][s][2]):
                if self.owner[s] not in alert_teams:
                    alert_teams.append(self.owner[s])
            root_team = self.owner[root]
            teams = alert_teams + ([root_team] if root_team not in alert_teams else [])
            notified = [self.oncall[t] for t in teams]
            actions = []
            if inc["kind"] == "deployment":
                actions.append({"action": "rollback", "target": root})
            if root_team not in alert_teams:
                actions.append({"action": "page", "target": root_team})
            e = {"events": inc["events"], "teams": teams, "notified": notified,
                 "root_cause": {"kind": inc["kind"], "entity": root}}
            if actions:
                e["actions"] = actions
            if inc["kind"] == "dependency":
                e["avoid"] = ["restart"]
            e["triaged_within"] = "5m"
            out.append(e)
        return out

    def describe(self):
        a = self.args
        parts = [f"{self.company}, {self.business}. Generated alert storm ({a.layout} layout): "
                 f"{a.services} services of {a.teams} teams, {a.noise} noise alerts from Alertmanager "
                 f"(flapping, mostly low severity, some beside or below the failing upstreams, a few paging) "
                 f"and {len(self.incidents)} overlapping real incidents:"]
        for i, inc in enumerate(self.incidents, 1):
            names = ", ".join(s.split(":", 1)[1] for s in sorted(inc["alerting"], key=lambda s: inc["times"][s][2]))
            rid = inc["root"].split(":", 1)[1]
            if inc["kind"] == "deployment":
                via = ""
                if inc["vias"]:
                    via = " (" + ", ".join(v.split(":", 1)[1] for v in inc["vias"]) + " in between stays healthy)"
                parts.append(f"({i}) at {fmt_dur(inc['t'])} a deploy of {rid} ({inc['version']}) breaks it; "
                             f"its callers {names} fail{via}.")
            else:
                what = {"connections": "runs out of connections", "cpu": "saturates its CPU",
                        "memory": "reaches maxmemory"}[inc["mode"]]
                rs, _ = inc["restart"]
                parts.append(f"({i}) at {fmt_dur(inc['t'])} {rid} {what} and slows down; {names} time out "
                             f"(a restart of {rs.split(':', 1)[1]} changes nothing).")
        parts.append("Earlier deploys of " + ", ".join(h.split(":", 1)[1] for h in self.herrings) +
                     " left their metrics flat.")
        return " ".join(parts)

    # -- emit ---------------------------------------------------------------------
    def render(self, header):
        L = [header, "version: 1", f"name: {self.args.name}", "description: >"]
        L += ["  " + line for line in wrap(self.describe(), 96)]
        L.append(f"start: {self.start.strftime('%Y-%m-%dT%H:%M:%SZ')}")
        L.append("")
        L.append("catalog:")
        for ref in self.order:
            e = self.entities[ref]
            if e["kind"] in ("team", "user") or (e["kind"] == "resource" and not e["properties"].get("signals")):
                d = {"kind": e["kind"], "id": e["id"]}
                if e["title"]:
                    d["title"] = e["title"]
                if e["properties"]:
                    d["properties"] = e["properties"]
                if e["relations"]:
                    d["relations"] = e["relations"]
                L.append("  - " + ys(d))
                continue
            L.append(f"  - kind: {e['kind']}")
            L.append(f"    id: {e['id']}")
            if e["title"]:
                L.append(f"    title: {ys(e['title'])}")
            props = dict(e["properties"])
            if ref in self.pd_id:
                props = {"pagerduty_service_id": self.pd_id[ref], **props}
            L.append("    properties:")
            for k, v in props.items():
                if k == "signals":
                    L.append("      signals:")
                    for sig in v:
                        L.append("        - " + ys(sig))
                else:
                    L.append(f"      {k}: {ys(v)}")
            rel = {k: v for k, v in e["relations"].items() if v}
            L.append(f"    relations: {ys(rel)}")
        L.append("")
        L.append("oncall:")
        for t in self.teams:
            L.append("  - " + ys({"team": t, "user": self.oncall[t], "from": "-12h", "to": "12h"}))
        L.append("")
        L.append("metrics:")
        L.append("  step: 1m")
        L.append("  from: -4h")
        L.append("  to: 2h")
        L.append("  series:")
        for s in self.series:
            L.append("    - " + ys(s))
        L.append("")
        L.append("timeline:")
        for at, _, ev in self.timeline:
            if "alert" in ev:
                L.append(f"  - id: {ev['id']}")
                L.append(f"    at: {fmt_dur(at)}")
                L.append("    alert:")
                L.append(f"      source: {ev['alert']['source']}")
                L.append(f"      payload: {ys(ev['alert']['payload'])}")
            else:
                L.append("  - " + ys({"at": fmt_dur(at), **ev}))
        L.append("")
        L.append("expect:")
        L.append("  incidents:")
        for e in self.expectations():
            first = True
            for k, v in e.items():
                L.append(("    - " if first else "      ") + f"{k}: {ys(v)}")
                first = False
        L.append("  unrelated: " + ys(self.unrelated))
        return "\n".join(L) + "\n"


def gauge(name, labels, value, noise=None, over=None):
    segs = [{"from": "-4h", "value": value}]
    for o in over or []:
        seg = {"from": fmt_dur(o["from"]), "value": o["value"]}
        if "ramp_to" in o:
            seg["ramp_to"] = o["ramp_to"]
        segs.append(seg)
    d = {"name": name, "type": "gauge", "labels": labels}
    if noise:
        d["noise"] = noise
    d["segments"] = segs
    return d


def am_payload(alertname, labels, team, severity, summary, desc, starts, ends, fp, firing):
    status = "firing" if firing else "resolved"
    receiver = f"{team}-pager" if severity == "critical" else f"{team}-slack"
    ann = {"summary": summary, "description": desc}
    return {
        "version": "4",
        "groupKey": '{}/{severity=~"critical|warning|info"}:{alertname="%s", team="%s"}' % (alertname, team),
        "truncatedAlerts": 0,
        "status": status,
        "receiver": receiver,
        "groupLabels": {"alertname": alertname, "team": team},
        "commonLabels": labels,
        "commonAnnotations": ann,
        "externalURL": AM_URL,
        "alerts": [{
            "status": status, "labels": labels, "annotations": ann,
            "startsAt": starts, "endsAt": ends or "0001-01-01T00:00:00Z",
            "generatorURL": f"{PROM_URL}/graph?g0.expr={alertname}",
            "fingerprint": fp,
        }],
    }


def wrap(text, width):
    words, lines, cur = text.split(), [], ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}" if cur else w
    if cur:
        lines.append(cur)
    return lines


def main(argv):
    p = argparse.ArgumentParser(description="Generate an alert-storm scenario (scenario format v1).")
    p.add_argument("--services", type=int, required=True)
    p.add_argument("--teams", type=int, required=True)
    p.add_argument("--incidents", type=int, default=2)
    p.add_argument("--noise", type=int, default=150)
    p.add_argument("--layout", choices=["layered", "hub", "mesh"], default="layered")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--name", required=True)
    p.add_argument("--out", help="output file (default: stdout)")
    a = p.parse_args(argv)
    if not re.match(r"^[a-z0-9-]+$", a.name):
        p.error("--name must match [a-z0-9-]+")
    if a.services < 12:
        p.error("--services must be at least 12")
    if a.teams < 2:
        p.error("--teams must be at least 2")
    if a.incidents < 2:
        p.error("--incidents must be at least 2 (two of them overlap)")
    header = ("# Generated by scripts/gen-storm.py "
              f"--services {a.services} --teams {a.teams} --incidents {a.incidents} --noise {a.noise} "
              f"--layout {a.layout} --seed {a.seed} --name {a.name}; do not edit by hand.")
    w = World(a)
    w.build_catalog()
    w.choose_incidents()
    w.play_incidents()
    w.red_herrings()
    w.noise()
    w.build_metrics()
    w.assemble()
    text = w.render(header)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main(sys.argv[1:])
