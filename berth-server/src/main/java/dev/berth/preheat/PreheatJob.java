package dev.berth.preheat;

import dev.berth.iam.ExternalUrl;
import dev.berth.iam.RegistryAccess;
import dev.berth.iam.TokenIssuer;
import dev.berth.job.JobContext;
import dev.berth.job.JobKind;
import dev.berth.job.UnrecoverableJobException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * The {@code P2P_PREHEAT} job: one task preheats one tag. It checks the provider's health, mints a
 * registry token that may only pull this one repository (anonymous subject, Harbor's
 * "distributor" token), tells the provider the manifest URL on Berth's external address with that
 * token in {@code Authorization}, and then polls the provider's job until it succeeds, fails or the
 * poll timeout passes (Harbor: every 10 s for 30 min). One attempt only, as Harbor's job does not
 * retry: a retry would ask the provider twice.
 */
@Component
class PreheatJob implements JobKind {
    static final String NAME = "P2P_PREHEAT";

    private final InstanceRecords instances;
    private final Providers providers;
    private final TokenIssuer tokens;
    private final ExternalUrl externalUrl;
    private final PreheatSettings settings;

    PreheatJob(
            InstanceRecords instances,
            Providers providers,
            TokenIssuer tokens,
            ExternalUrl externalUrl,
            PreheatSettings settings) {
        this.instances = instances;
        this.providers = providers;
        this.tokens = tokens;
        this.externalUrl = externalUrl;
        this.settings = settings;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int maxAttempts() {
        return 1;
    }

    @Override
    public Duration timeout() {
        return settings.pollTimeout().plus(settings.timeout().multipliedBy(3)).plusMinutes(1);
    }

    @Override
    public void run(JobContext context) throws Exception {
        JsonNode p = context.parameters();
        String repository = p.path("repository").asString();
        String tag = p.path("tag").asString();
        String digest = p.path("digest").asString();
        ProviderInstance instance = instances
                .find(p.path("instance_id").asLong())
                .orElseThrow(() -> fail(context, "the provider instance no longer exists"));
        ProviderDriver driver = providers
                .driver(instance.vendor())
                .orElseThrow(() -> fail(context, "no driver registered for provider " + instance.vendor()));
        context.log("Preheating image '" + repository + ":" + tag + "@" + digest + "' to the target preheat provider: "
                + instance);
        context.checkStop();
        try {
            ProviderEndpoint endpoint = providers.endpoint(instance);
            driver.checkHealth(endpoint);
            context.log("Check health of preheat provider instance: Healthy");
            context.checkStop();
            PreheatImage image = image(p, repository, tag, digest);
            ProviderDriver.Progress started = driver.preheat(endpoint, image);
            context.log("Sending preheat request is successfully done (provider job " + started.jobId() + ")");
            if (finished(context, started)) {
                return;
            }
            poll(context, driver, endpoint, started.jobId());
        } catch (ProviderException e) {
            context.log("preheat failed: " + e.getMessage());
            if (e.refused()) {
                throw new UnrecoverableJobException(e.getMessage());
            }
            throw new IllegalStateException(e.getMessage());
        }
    }

    private PreheatImage image(JsonNode p, String repository, String tag, String digest) {
        long projectId = p.path("project_id").asLong();
        TokenIssuer.Issued token = tokens.issue(
                "",
                Optional.empty(),
                externalUrl.service(),
                List.of(new RegistryAccess("repository", repository, Set.of("pull"), projectId)));
        Map<String, Object> extra = new LinkedHashMap<>();
        JsonNode attrs = p.path("extra_attrs");
        if (attrs.path("scope").isString()) {
            extra.put("scope", attrs.path("scope").asString());
        }
        if (attrs.path("cluster_ids").isArray()) {
            List<Long> ids = new java.util.ArrayList<>();
            for (JsonNode id : attrs.path("cluster_ids")) {
                ids.add(id.asLong());
            }
            extra.put("cluster_ids", ids);
        }
        String url = externalUrl.ofServer() + "/v2/" + repository + "/manifests/" + tag;
        return new PreheatImage(
                "image", url, Map.of("Authorization", "Bearer " + token.token()), repository, tag, digest, extra);
    }

    private void poll(JobContext context, ProviderDriver driver, ProviderEndpoint endpoint, String jobId)
            throws InterruptedException {
        context.log("Start to loop check the preheating status until it's success or timeout (" + settings.pollTimeout()
                + ")");
        long polls = Math.max(
                1,
                settings.pollTimeout().toMillis()
                        / Math.max(1, settings.pollInterval().toMillis()));
        for (long i = 0; i < polls; i++) {
            Thread.sleep(settings.pollInterval());
            context.checkStop();
            ProviderDriver.Progress progress = driver.progress(endpoint, jobId);
            context.log("Check preheat progress: " + progress.state());
            if (finished(context, progress)) {
                return;
            }
        }
        context.log("status check timeout: " + settings.pollTimeout());
        throw new IllegalStateException("status check timeout: " + settings.pollTimeout());
    }

    /** True when the provider's job succeeded; throws when it failed; false while it runs. */
    private static boolean finished(JobContext context, ProviderDriver.Progress progress) {
        switch (progress.state()) {
            case SUCCESS -> {
                progress.message().ifPresent(m -> context.log("Preheat job finished, message from provider:\n" + m));
                context.log("Preheating is completed");
                return true;
            }
            case FAIL -> {
                String why = progress.message().orElse("preheating is failed");
                context.log("preheat failed: " + why);
                throw new IllegalStateException("preheat failed: " + why);
            }
            default -> {
                return false;
            }
        }
    }

    private static RuntimeException fail(JobContext context, String why) {
        context.log(why);
        return new UnrecoverableJobException(why);
    }
}
