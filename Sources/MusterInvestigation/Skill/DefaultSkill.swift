/// The default skill, embedded so the binary needs no resource folder.
///
/// The same text as `skills/default/SKILL.md` and `skills/default/assets/playbook.yaml` in the repository;
/// `SkillTests` checks they stay identical.
public enum DefaultSkill {
    /// `SKILL.md`: front matter and the playbook in words.
    public static let skillMarkdown = #"""
        ---
        name: default
        description: Triage a production incident from its alerts. Group the pages into one incident, rank root-cause hypotheses (traffic spike, deployment, config change, failing dependency or infrastructure, saturation) from the service catalog, change history and metrics, then recommend a remediation with parameters, or abstain and say what to check next. Use when several alerts fire at once or a page needs a first diagnosis.
        license: Apache-2.0
        metadata:
          owner: muster
          playbook: assets/playbook.yaml
        ---

        # Incident triage (Muster default skill)

        This is the playbook Muster runs on every incident, written so that a person or an LLM agent can
        follow it by hand. The numbers it uses live in `assets/playbook.yaml`; the engine executes that
        file, so change the numbers there, not here.

        ## 1. Scope the incident

        1. List the alerting entities (services and resources) in the order they first alerted. A webhook retry (the
           same `X-Webhook-Id` or PagerDuty `event.id`) is not taken twice, but is still an event of its incident.
        2. Walk up to 3 `dependsOn` hops from each of them: these are the upstreams. An alerting caller of an
           alerting entity sits below all of that entity's upstreams too, however long the chain. A resource that
           many services share (a topic, a database) links its writers (producers) to its readers (consumers).
        3. For every signal of those entities, compare the last hours with a 3-hour baseline that ends
           30 minutes before the first alert. A signal is anomalous when it sits more than 5 robust standard
           deviations and more than 30% away from its baseline median, in the bad direction, for 3 samples in
           a row (load: a factor of 2 up or down; a load that fell and then rose counts only its rise). The first
           of those samples is the onset; for the rate of a counter, whose sample at t measures the interval ending at
           t, the onset is that interval's start (the sample before). A health signal that keeps flipping (down 40% or more of the samples since
           it first went down, within the last 15) is failing since it began to flip. A saturation ratio at
           or above 0.9 (`exhausted_level`) is anomalous however little it moved, unless its baseline already sat
           there without climbing (a cache kept full by design): then only the deviation rule applies. An
           upstream without signals of its own is seen through its direct callers: a caller's signal whose match
           names it by a peer label (`peer`, `peer_service`, `upstream`, `remote`, `remote_service`, `destination`,
           `destination_service`, `server`, `callee`, `dependency`, `target`: `peer: geo-vendor`, the latency of calls to
           an external API) counts as the upstream's too, seen by that caller; another label that happens to hold its id
           does not. Such a view is doubtful when another caller's view of the same kind stayed normal, and when the
           caller behind every bad view had its own saturation turn bad no later than a minute after its view did (a
           JVM's GC pauses inflate every timing it takes): each halves the upstream (x0.5), and that caller's saturation
           does not count the upstream as trouble of its own. A failure that began before most of the baseline window is judged against the history
           before it: when the baseline window's own median is anomalous against the history before some step (at
           least 30 minutes of it, up to 3 hours), and from that step on the signal is anomalous against that history,
           never back to normal for 3 samples in a row and still anomalous now, the step is the onset however long ago
           it was, and the history before it is the baseline (a customer's replay 2h40m before a backlog crossed its
           threshold; a relay that began rejecting mail 2h30m before its sender's retry queue paged). The evidence says
           that normal was read from before the step.
        4. Date each entity's trouble from the episode still going. A fault that recovered more than 10 minutes
           before the first alert is another episode. So is one that was back to normal for 3 minutes or more
           before another fault of the same entity began that is still going (a warm-up blip after a deploy, then
           an outage of the cache it uses): the entity's trouble began with the fault still going. But a signal whose
           episodes recur (a pool that fills, is reset by restarts and fills again), the first of them within 2 minutes
           of a deploy or change of its entity, has one fault since that change: it is dated from its first episode,
           unless an upstream of the entity began to fail after the first, by the latest (that failure made it).
        5. Weigh a fault by its severity. A run that crept mildly (a tenth of its worst deviation or less) for 10
           minutes or more before a step to half its worst or more, where it stays, is dated from that step (a p99
           that crept 0.22 -> 0.30 s after a deploy and jumped to 4 s with the database failing). But a creep that
           began within 2 minutes of a deploy or change of its entity is that change's fingerprint (a new version slower
           from the minute it landed) and dates the run, unless an upstream of the entity began to fail after the
           creep, by the step: then that failure made the step, and the step keeps the date. A mild fault (its
           worst under 2x its baseline; a saturation also under `exhausted_level`; never a health signal) that began
           more than 15 minutes before the first alert dates nothing when an alerting entity shows a severe symptom
           (5x its baseline or more, or down): a creep no alert followed for that long (CPU rising with the morning
           ramp, a cache's p99 during its snapshot) is a condition, not the start of this failure. The evidence
           names every fault set aside and why. When pages are grouped, the same holds within one entity: a mild creep
           of its latency, errors or lag that began 15 minutes or more before a severe fault of it does not date its
           trouble.
        6. Pages join one incident on shared evidence: the same entity, one depending on another, a shared upstream
           (weighted by its distance and the trouble it shows). A shared tenant label (`org`, `customer`) alone ties
           two pages only where that tenant can have done something on both sides: a page from an entity whose load
           is steady (per-tenant SLO rules page for the biggest tenant whatever broke) names who felt it, so a
           tenant's traffic moving on one service does not tie it to a page of the same tenant on a service whose
           load did not move. Where that load has a breakdown by the tenant's label, the tenant's own value counts: it
           rising 2x or more (the deviation rule) moved the load, though a large steady tenant keeps the total under
           the test (30/s -> 120/s beside a steady 600/s). It counts for a join through a failing upstream too: the
           entity's totals are normal, but the tenant's own traffic rose (retries into a broken cluster), a symptom,
           so its link is not weakened as one from normal signals. An upstream whose own signals are normal still ties two of its direct callers when it
           was deployed or changed no later than a minute after both turned bad and both did within 10 minutes of
           the change (a hub only weakly). A caller that turned bad within 5 minutes of that change is not explained by
           another upstream of its own whose trouble began more than 5 minutes before it: it rode that trouble out (a
           slow cache, no error for 20 minutes), so it still joins (trouble already over when it broke was another
          episode, and is said to be, not ridden out); unless something new happened on that upstream within
           a minute of the caller's onset (a health signal down, a step to 5x its baseline): a slow cache that then went
           down in the minute the caller failed explains it. Nor does it tie a caller with an explanation of its own at its
           onset: a deploy or change of its own in the 5 minutes before it turned bad, or an upstream of its own that went
           down or stepped within a minute of it (a deploy a minute before, its own Redis down as it failed). A shared
           upstream whose only faults are mild saturations (under 2x its baseline and under `exhausted_level`) while what its
           users feel (its own latency, errors, health or lag, measured, and every caller's own timing of its calls to it)
           is normal is busier, not failing: it ties no more than a healthy one (CPU 30% -> 41% beside two unrelated
           failures). An upstream without signals that is not alerting ties no two services that each have an
           explanation of their own at their onset (as above: a writer's deploy, a reader's own upstream down): it is a
           guess both explanations make unnecessary. An upstream without signals, reached through hops
           without signals only, ties two failing services whatever their symptoms when it is the only place left where
           their failures can meet: neither changed in the last 3 hours, neither has a saturation of its own still at or
           above `exhausted_level` (a full disk is a cause in plain sight), no upstream of either is failing or
           alerting, and they turned bad within 3 minutes of each other. A resource that two alerting services use directly ties them (0.6)
           when one lags behind it with nothing else in sight to explain it (no change of its own, no other upstream
           failing or alerting) while the other's own load moved: what a writer sends is what a reader reads. An alert
           that announces a deadline rather than a failure (a reminder:
           its name, title or a label value matches `correlation.reminders`, a TLS certificate that expires in 14 days;
           a reminder is known by its shape whatever its words: a day count or a date still ahead, "valid for 12 more
           days", "rotate before 2027-03-22", "renews in 5 days")
           joins no incident, not even one of its own entity, and no later page joins through it: it breaks nothing
           today, even when it arrives on a service that is failing for another reason. A certificate that has expired
           is a failure, not a reminder: an alert whose text says the deadline has passed ("expired", "0 days left") is
           no reminder even when its name matches one (a `TLSCertificateExpiry` alert saying the certificate expired).
           An entity's own failure alert (severity error or worse, no reminder) is trouble even while its signals are
           normal (a database whose server certificate expired idles as its clients cannot connect) once two or more of its
           direct callers turned bad within 2 minutes of that alert's start: such a caller joins it as through a failing
           upstream (unless another upstream of the caller is in trouble: that one explains it), the alert joins the
           incident of such a caller, and two such callers share it as a cause (0.9).
        7. When every alerting entity has signals and none of them moved, the alerts are quiet: causes found
           elsewhere are halved, since there is no symptom there for them to explain. An alerting entity's own
           load rising 2x or more is a symptom (an ingest-rate alert): it is not quiet. So is a tenant the alert names
           whose own value in the breakdown of that load rose 2x or more, though a large steady tenant keeps the total
           under the test (retries into a broken upstream).

        ## 2. Pursue the hypotheses

        Run every check; each proposes zero or more hypotheses with evidence for and against.

        - **traffic-spike**: a load signal on an alerting entity, an upstream or a producer beside the
          consumers rose by 2x or more before the symptoms. Split the increase by its breakdown label
          (`org`): an org or customer behind 60% or more of it is the source, when its traffic grew by 2x more
          than the rest's (every org growing alike, as with client retries, names no source). A total that rose
          clearly (the deviation rule above) but by less than 2x counts too when one of its breakdown values rose
          2x or more on its own and explains 60% of the increase: a large steady customer dilutes the total's
          ratio, not the spike. A bursty large customer can hide a small one's clean step from the deviation
          rule: the total counts then too when it now stands 30% or more above its baseline and one of its own
          breakdown values stepped 2x or more on its own (dated by that step); a total without a breakdown is then split by a caller in front of it (a gateway)
          whose breakdown value rose 2x or more within 2 minutes of the total. A load without a
          breakdown is split by the breakdown of a caller in front of it, even when that caller's total barely
          moved (a small tenant sending heavy requests); the rise of each org that the caller's other downstreams
          show in their own breakdowns went there, not to it, and is taken off before the split. A load without a breakdown (and no caller to split it)
          on an entity that shows nothing else wrong is attributed to the one org or customer named by the labels of
          the alerts on that entity that began after the load rose (a per-tenant rate rule computed outside the
          metrics): nothing but the traffic moved there, so such an alert is about the traffic; its share cannot be
          measured. When the entity also fails, a tenant label may only name who felt it, and names no source. A load that rose
          only after the symptoms is weak: failing calls are retried. A source that is a service (a caller) deployed
          or changed within 30 minutes before its load rose makes that deploy or change the cause; so does a client
          beside the alerting entities on a shared resource (not upstream of them) whose own load, with no breakdown
          to split it, rose: it is the source itself (its queries tripled after its deploy). Such a client's own load
          that stayed idle (1% of its peak or less) in every sample from a deploy or change of it (within the 6-hour
          look-back) until it rose dates that change at the rise: a job whose schedule was moved, or a deferred rollout,
          shows only when it runs.
          A load without a breakdown that rose while every caller of it that measures load sent no more than
          before (did not rise by the deviation rule: a caller up 1.6x, under a spike, still sent more) has no outside source: the extra work comes from how the callers use it. A deploy or change of
          another dependency of those callers, within 30 minutes before the rise, after which a signal of it
          shifted sharply in either direction (a cache's memory 72% -> 2% as an upgrade empties it: every miss falls
          through to the database), is the cause. That holds when the loaded entity alerts itself too (its own
          throughput, which otherwise names no source): the change beside it is the source (a rate limiter deployed to
          fail open: its denials fall 2,900/s -> 5/s and the service behind the gateway takes 3.6x at the same traffic).
          A producer upstream of the alerting entities that measures no load of its own is loaded
          through its callers: a spike on a caller in front of it (a gateway) counts, attributed by its breakdown.
        - **deployment** and **config-change**: a deploy or change in the 6 hours before the symptoms on an
          alerting entity, an upstream or a producer beside the consumers. It counts when that entity's own
          signals turned bad within 30 minutes after it, or, for a producer, when every alerting reader of what it
          writes did (a reader deployed or changed itself after that, or in the 5 minutes before it turned bad, and no later
          than a minute after it turned bad has the nearer trigger: it is not the producer's; a producer whose own signals
          turned bad reaches a reader only through what they share: its load into it rose, or the resource turned bad, not
          merely busier), or, for an upstream whose own signals stay normal, when every alerting entity depends on it and
          every alerting service calling it directly, two or more, turned bad within 10 minutes after it with no change
          or failing upstream of their own (a changed contract breaks the callers, not the service; an upstream of theirs
          counts only when it turned bad within 5 minutes before them: one whose trouble they rode out longer explains
          nothing); flat signals or a late onset are evidence against, and so is an upstream of it that failed
          first (not one busier, not failing, see below; unless that upstream's trouble began in the very minute of the
          change and reaches nobody else: a deploy that cannot be scheduled shows on its cluster; but when that upstream
          measures its load and neither it nor the changed entity's load rose, the change sent it nothing, and it is judged
          against the changed entity's own onset: a pool full a minute before its caller broke failed first; nor a direct upstream
          whose faults are all mild, under 2x its baseline and never its health, while its own load jumped 2x or more from
          the change on: the change sent it that load, a cache TTL set to 0 calling it on every request; nor one whose
          trouble short of severe (every fault under 5x its baseline, never its health) the changed entity rode out: it
          began 15 minutes or more before the entity turned bad, with no fault of it that began closer and none that
          worsened since, a search cluster 3x slower for half an hour before a deploy that breaks facet parsing). Onsets in
          the same sample give no order: the change, which came before both, keeps the lead,
          unless undoing it (a rollback, a revert) was already tried and did not help. Undoing it, once judged (5),
          weighs on it: a fix that worked makes it a strong candidate however long before the symptoms it came; one
          that did not help halves it, unless it is recorded as failed to run (it tested nothing, and it may be
          recommended again). An upstream that recovered within the judging window after a helpful rollback or
          revert of a service that depends on it suffered that change: it is halved. A saturation signal flat
          before a deploy and climbing steadily since, to exhaustion, is a leak the deploy introduced, unless the
          climb began before the deploy or the load grew with it (half as much, relatively, or more). A restart frees
          what leaked, not the leak: after one, the climb is judged stretch by stretch (each between restarts climbs
          steadily, starting below where the one before ended, the last to exhaustion), and a leak's deploy is a suspect
          up to 24 hours before the symptoms, beyond the 6-hour look-back. A change made after its entity's own trouble began (another of its signals
          was bad more than a minute before) came into the trouble: it is marked down. So is the change of an entity
          that stayed well for 5 minutes or more after it and turned bad right after a deploy or change of a silent
          service it depends on (no signals to clear it): that later change is the nearer trigger. The mirror: a
          changed entity that stayed well at unchanged load for 5 minutes or more after its change, and turned bad
          (it or what it explains) within 5 minutes of its load (or that of the caller in front of it) rising in a
          spike traced to a customer or org (a candidate of 0.6 or more), was triggered by the spike: x0.6. Unless
          the same load came earlier, before the change (four fifths of the rise or more, 3 samples in a row), while
          every symptom failing now stayed normal (within a quarter of its deviation now): what the old version
          absorbed the new one cannot, so the change took the headroom away and keeps the lead.
          A tenant of a shared resource (another entity that depends on a failing upstream, neither alerting nor
          upstream of the alerting entities) counts too when its saturation or load turned bad within 30 minutes
          after its deploy or change, no later than a minute after a saturation of the shared resource began (a
          batch job's new version eats a node's memory and its neighbours are killed): the tenant takes what its
          neighbours need, and the shared resource's failing is marked down as its consequence. A tenant that also
          measures its load (and so is judged as a producer beside the consumers too) is a tenant all the same. A
          tenant whose growth is under half of what the users of the shared resource that measure the same metric grew
          (a batch job's working set +1.2 GiB beside a neighbour's +26 GiB) did not fill it: x0.3.
          An org or customer is a suspect only when the failures are confined to it: an alerting entity's errors
          signal with an org or customer breakdown is split like a load, and when one value is 60% or more of the
          rise and its errors grew 2x more than the rest's, a change on that org (or its customer) within 30 minutes
          before the errors rose is a config-change candidate (a feature flag turned on for one org).
          A change of the alerting entity itself less than 15 minutes before alerts that every signal in scope
          contradicts (nothing moved) may have made the alerts (a lowered threshold): a tentative candidate, never
          a confident one.
        - **dependency** / **infrastructure**: an upstream whose signals turned bad before those of the
          services below it. Its failure is named and dated by its earliest fault, unless that one is not severe and a
          severe one (a health signal down, 5x its baseline) began more than 2 minutes after it, within 2 minutes
          before the services below it (or a minute after): then the severe fault they felt names and dates it (a cache
          up 1 -> 0 in the minute its caller failed, after a 4x p99 wobble 21 minutes earlier).
          Upstreams are looked at 3 hops deep (`upstream_depth`), and further, up to 4 more
          hops, while the last hop is failing (or has no signals and what depends on it is failing). One already
          abnormal when the 2-hour onset window (`onset_lookback`) begins is an older condition (x0.6), unless its
          failure is a step dated from the history before the baseline window (1.3) and the services below turned
          bad with it (within 30 minutes after): then it is the same failure, alerted late. A cause precedes its
          effect closely or shows a path that explains the delay: an upstream whose trouble began 20 minutes or more
          before the services below it turned bad, with no fault of it that began closer to them and none that worsened
          since (half as far again from its baseline when they turned bad as in its first minutes: a pool that kept
          filling), weighs less (x0.6), and a saturation of theirs does not count it as upstream trouble. Each hop
          without a failure of its own between it and the pages lowers it a little; failing hops do not. A buffer
          (queue, backlog) that fills while its inflow is not up, after a reader of it failed following a failing
          upstream of that reader's own, backs up behind that reader: it is halved. An upstream without any
          signals where two or more separate branches of alerting services (none calls another) meet, all turned
          bad within 3 minutes, is a candidate of its own (never a certainty); a service whose own saturation is still at
          or above `exhausted_level` has its cause in plain sight and is no branch (its saturation says so); its other
          callers that measure
          something but do not alert count as branches when they fail too (witnesses); a failing service or a change whose
          peer on another branch failed with it, through such an upstream, is a weaker account (x0.7). An upstream
          with no failure in sight on which a remediation (failover, restart, scale-out) helped is a candidate:
          what the fix fixed is where the trouble was. A failing dependency whose own load rose 2x or more as it
          began to fail, while a spike is traced to a customer or org, or a caller of it was changed, or (its callers'
          load flat) another dependency of its callers was changed (a candidate of 0.6 or more), is overloaded, not
          broken: x0.7. One that measures no load of its own is read through
          its callers: a spike traced to a customer or org, or a change that made one (a candidate of 0.6 or more),
          on a direct caller of it, rising from 5 minutes before it began to fail up to the minute it did (a rise after
          that is callers retrying what it refused: a database down, then an SDK's retries), overloads it
          the same way (x0.7), and so it is not failed first against the change that overloaded it. An upstream whose only faults are mild saturations
          (under 2x its baseline and under `exhausted_level`: CPU 12% -> 18% during a backup) while what its users
          feel is normal (its own latency, errors, health or lag, and every other caller of it that measures them
          and does not alert, but one that turned bad within 5 minutes after a deploy or change of its own, which explains
          it; at least one of those measured) is busier, not failing: x0.5. Not when a caller, alerting
          or not, times its own calls to it (a peer label names it, `peer: redis-sessions`) and that timing turned bad:
          its users feel it (a server-side latency counts execution only, not the queue in front of one pegged thread).
          A failing dependency that turned bad shortly after a well-supported deploy or change (0.6 or more) of a
          neighbour (one serving the same alerting callers, or one it depends on) may be that change's consequence: x0.85.
          Not when the neighbour is a caller of it whose measured load did not rise: a caller reaches it only through what
          it sends, and a deploy at flat load broke the caller, not it.
          A failing dependency deployed or changed in the 30 minutes before it failed is better explained by that
          change: x0.6. So is one whose own deploy or change, however long before (within the 6 hours), was undone
          with success (5): the rollback fixed the change, not a failing dependency.
          An upstream failing only by its own alert (its signals normal) is dated by that alert's start, which lags the
          failure by the time an alert takes to fire: services below it that turned bad up to 2 minutes before it do not
          make it late.
          It is infrastructure when a word of its `type` is a cluster, node, broker, host or zone (`kubernetes-cluster` is, an `ozone` store is not),
          whatever made it a candidate (its signals, its alert, a meeting of branches, a fix that helped). Such a place
          without signals where the branches meet, unchanged in the hour before, rises (+0.15) when a service outside it
          (not depending on it, not alerting) with signals of the kinds that failed on the branches stayed normal: the
          failure is confined to what runs there (a zone losing its network). Up to 8 such services are read, by id; any
          of them failing too leaves it as it was.
        - **saturation**: only when an alerting entity's own saturation signal is anomalous. A stronger
          outside cause (a score of 0.6 or more) halves its score when it reaches the saturated entity: the entity
          itself (its own deploy or change), something it depends on (directly or through hops), or load that flows
          into it (a spike entering it, a caller of it, or a resource it reads). A cause on another branch (a deploy
          of a caller at unchanged load, a failing dependency of a caller) explains other symptoms, not its saturation.
          Nor does an upstream whose calls the saturated entity times itself (a peer label names it, `peer: font-svc`) with
          every such signal normal: its trouble (an endpoint only other clients use) does not reach it, so it is no upstream
          trouble of its own and a cause on it does not halve its score. An alerting service whose own saturation (not mild)
          began no later than a minute after a shared resource it uses directly filled, while another alerting user of
          that resource turned bad no earlier, and whose growth is half or more of what the users of the resource that
          measure the same metric grew (at least one other does), filled it: it takes what its neighbours need. It
          explains what fails below that resource, the resource is no upstream trouble of its own, and the resource's
          failing is marked down (x0.5). A pool that filled while another saturation
          signal of the entity fell by 30% or more and its load did not rise (threads full, CPU 45% -> 12%, at the
          same traffic) is waiting on something it calls, not short of capacity: x0.6. A scale-out of it that ran and
          did not help (5) speaks against a shortage: x0.5.

        ## 3. Decide

        Rank by score; the same hypothesis reached twice (a deploy judged by its own signals and as the source
        of a spike) is listed once, with its better-supported reading. A traffic spike names a customer or org; one with
        none to name, on the load of an entity that a well-supported deploy or change (0.6 or more) made or calls directly,
        is that change read again and is not listed. A hypothesis' confidence is the probability
        that it is right: read it off the `calibration` points of `assets/playbook.yaml` (straight lines between
        them, fitted on recorded incidents).
        The top hypothesis is the root cause. When its confidence is below 0.5 (`confidence_bar`), say "no
        confident root cause": name it as the best candidate with its probability, and give the first piece of
        evidence against it, which is what to check next. From 0.15 (`tentative_bar`) up, still give its
        remediations below, each marked tentative; under 0.15 give only what to check.
        With no candidate at all, say what moved (an alerting service's errors, since when) and that nothing
        checked explains it; say that no signal moved only when none did. A load that rose from 0 has no ratio: give
        where it rose to ("from 0 to 1414/s"), not a multiple.

        ## 4. Recommend

        | Root cause | Do, in order | Parameters |
        | --- | --- | --- |
        | traffic-spike | scale out every lagging or saturated consumer that registers scale-out (of the others, name the nearest, two in all), not a caller only slow at flat load below a saturated upstream (more of it loads that upstream more); throttle the source customer or org while its own traffic is still up at the instant of the investigation | replicas x the total load's ratio now (what the service must carry, and the reason says so), at least 1.5x, at most 8x (a load that rose from nothing has no ratio: x2, and the reason names that load) |
        | deployment | roll back the deploy | |
        | config-change | revert the change | |
        | dependency, infrastructure | fail over the failing upstream (when it is down) | |
        | saturation | scale out the saturated entity | replicas x 2 |

        A traffic spike's summary gives the source's own rise, from its breakdown ("org-zeta 40 -> 520/s, 13x"), beside
        the total's ratio. A burst that was over by the triage, while every lagging consumer's backlog is clearing (below its
        peak, at a pace since the burst ended that empties it within 30 minutes), needs no scale-out: say "the burst ended at
        HH:MM; backlog draining" instead.
        A remedy for a failure that is over is not proposed: an upstream whose every fault is back to normal by
        the time of the triage is still named as the cause, with when it recovered, but not failed over.
        Only offer an action for approval when the target registers it (`properties.actions`). When the natural
        remedy is not registered but an equivalent is, offer that one (a rollback of the release stands in for a
        config revert); the unregistered remedy is named as a step to take by hand, never as an action to approve. Page the owners of the root cause when they were not paged.

        ## 5. Judge what people already did

        A restart or other action on an alerting entity is judged 6 minutes later: when the symptom came
        back, list it under "avoid" with the reason. An action on an entity that is not alerting is judged by its
        own symptom only when users feel it (lag, errors, latency, health); its saturation alone moves with the
        action itself (more replicas, less CPU each), so the alerting entities' symptoms judge it. An action on a
        customer or org (a throttle) taken since the symptoms began acts on the load of the incident when that tenant's
        traffic reaches it (a breakdown value of a load signal in scope, an org of that customer, or a tenant the alerts
        name): the alerting entities' symptoms judge it too (throttling the biggest customer leaves a backlog climbing
        that a failing broker starves). A backlog (lag) that grew before the action and shrinks
        after it, at a quarter or more of the rate it grew, was helped, however slowly it drains; after a
        scale-out, a backlog that stops growing (a tenth of the rate or less) was helped too: the capacity now
        matches the inflow, and more of it drains the backlog. New capacity can take minutes to join (pods pulling a
        large image): a scale-out that had not helped by the judging time is looked at again at twice that time (12
        minutes), unless another action on the same chain came before; it helped, late, when by then the backlog that
        grew before it shrinks, at a quarter or more of the rate it grew (another symptom: half as far from normal),
        while no load spike in scope fell back before then (a falling inflow drains a backlog on its own). Any symptom
        that fell through the whole window after the action (a staged rollback), by a quarter or more, at a pace
        that reaches normal within two more windows, was helped too, though it has not halved yet.
        Credit needs the trend to bend at the action: a symptom that was already falling in the 4 minutes before it
        (by 15% or more) at a pace that alone would have halved it by the judging time, and that keeps to that line
        in the 3 minutes after it (not a quarter of its deviation below), was recovering on its own. Such an action
        neither helped nor goes under "avoid": say that it cannot be told, and why.
        An action recorded as `failed` never ran: it "failed to run" (kept from a blind retry, but never "did not help"), and
        it proves nothing about running it again. One that helped is listed under what was already tried; offered again, its
        reason says it was already done and helped, not a new remedy.
        An action followed within the window by another on the same entity or one it depends on (or that
        depends on it) is judged just before that one; an action elsewhere does not cut its window.

        ## Customizing

        Copy this folder, keep `SKILL.md`'s front matter (`name`, `description`), and write only the keys you
        change in `assets/playbook.yaml` (it extends this one; `replace: true` replaces it). Your recorded
        incidents can refit `calibration.points`: `muster bench INCIDENT.yaml... --only calibration` prints the
        block. Then check the skill against your lake and try it on a recorded incident:

            muster skill check ./my-skill --db ./muster.db
            muster replay incident.yaml --skill ./my-skill

        """#

    /// `assets/playbook.yaml`: the playbook the engine executes.
    public static let playbookYAML = #"""
        # Muster playbook, format version 1: what the engine executes when it investigates an incident.
        # A team skill's playbook EXTENDS this one: it names only the keys it changes; hypotheses and
        # remediations merge per root-cause kind. `replace: true` at the top starts from nothing instead
        # (built-in thresholds, no hypotheses, no remediations).
        version: 1

        thresholds:
          sigmas: 5               # a sample is anomalous beyond this many robust standard deviations of its baseline
          relative_change: 0.3    # ... and by more than this share of the baseline median
          error_floor: 0          # ... and an errors signal by at least this much (0.01 ignores 1-in-1000 errors on a zero baseline)
          load_ratio: 2           # a load change counts at this factor up or down
          sustain: 3              # consecutive anomalous samples that make an onset (a blip is not one)
          exhausted_level: 0.9    # saturation at or above this is exhausted, unless its baseline sat there, steady
          confidence_bar: 0.5     # below this calibrated probability of the top hypothesis Muster abstains (see calibration)
          tentative_bar: 0.15     # from this probability up, the best candidate's actions are offered as tentative
          spike_ratio: 2          # a traffic spike is a load increase by this factor
          attribution_share: 0.6  # the org or customer behind this share of the increase is named as the source

        windows:
          alignment: 30m          # a deploy or change explains a signal whose onset falls within this after it
          change_lookback: 6h     # how long before the symptoms a deploy or change is still a suspect
          judge_after: 6m         # how long after an action its effect is judged
          baseline: 3h            # the baseline window's length ...
          baseline_gap: 30m       # ... ending this long before the first alert
          onset_lookback: 2h      # how far before the first alert an onset still belongs to the incident

        topology:
          upstream_depth: 3       # how many dependsOn hops upstream of the alerting entities to look
          hub_share: 0.3          # a resource this share of the catalog depends on is a hub, not a shared resource
          infrastructure_types: [cluster, node, broker, host, zone]   # properties.type words of infrastructure

        correlation:
          # alerts that announce a deadline, not a failure (regexes on the alert name, title and label values): a
          # certificate that expires in 14 days breaks nothing today, so such an alert joins no incident. A reminder
          # is known by its shape: a deadline still ahead (a day count or a date to act before)
          reminders: ['(?i)expir(es|ing|y)', '(?i)days?[ _]left', '(?i)valid for \d+ (more )?(days?|weeks?)',
            '(?i)(renews?|expires?) in \d+ (days?|weeks?)', '(?i)(rotate|renew)\w* (before|by) \d{4}-\d{2}-\d{2}']

        # Which hypotheses to pursue, for which alert signatures, and how much to trust them.
        # when: every condition set must hold: alerts (regexes on the alert name), labels (label: regex, on the
        # same alert), symptoms (signal types) / signals (signal names) anomalous on an alerting entity.
        # reads: the signals the hypothesis looks at (types, signals, metrics); absent = all of them.
        hypotheses:
          - kind: traffic-spike
            weight: 1.0
          - kind: deployment
            weight: 1.0
          - kind: config-change
            weight: 1.0
          - kind: dependency
            weight: 1.0
          - kind: saturation
            weight: 1.0
            when: {symptoms: [saturation]}
          - kind: infrastructure
            weight: 1.0

        # What to do about each root-cause kind, in order of preference. An action is available only on an
        # entity that registers it (properties.actions). scale-out multiplies the replicas by the load ratio
        # (at least 1.5, at most max_factor; the same cap applies to every scale-out).
        remediations:
          traffic-spike:
            - {action: scale-out, params: {max_factor: 8}}
            - {action: throttle}
          deployment: [{action: rollback}]
          config-change: [{action: config-revert}]
          dependency: [{action: failover}]
          saturation: [{action: scale-out, params: {max_factor: 8}}]
          infrastructure: [{action: failover}]

        # How far to trust a raw score: the probability that a hypothesis with that score is right, read off these
        # [score, probability] points joined by straight lines (flat beyond the first and the last). Fitted by
        # `muster bench --only calibration` on every hypothesis of the scenarios (docs/calibration.md);
        # `points: []` keeps the raw scores. The confidence bar applies to the probability.
        calibration:
          points: [[0.08, 0.021], [0.206, 0.033], [0.578, 0.127], [0.929, 0.98]]

        """#
}
